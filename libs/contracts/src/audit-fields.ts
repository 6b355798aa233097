import { IsOptional, IsString, Length } from 'class-validator';

/** Who made a change (user id, API key id or service), recorded with every write. */
export function ActorField(): PropertyDecorator {
  return (target, key) => {
    IsString()(target, key);
    Length(1, 200)(target, key);
  };
}

/** Why a change was made (optional, free text), recorded with the version it creates. */
export function ChangeReasonField(): PropertyDecorator {
  return (target, key) => {
    IsOptional()(target, key);
    IsString()(target, key);
    Length(0, 1000)(target, key);
  };
}
