import { Type } from 'class-transformer';
import { IsString, Length, ValidateNested } from 'class-validator';
import { defineRpc } from '../../rpc.js';
import { PolicyBindingInput, type PolicyBindingDto } from '../binding-add/binding-add.js';

/** policy.binding.remove — removes a binding (NOT_FOUND when there is none). */
export class BindingRemoveRequest {
  @IsString()
  @Length(1, 256)
  actor!: string;

  @ValidateNested()
  @Type(() => PolicyBindingInput)
  binding!: PolicyBindingInput;
}

export interface BindingRemoveReply {
  version: number;
  removed: PolicyBindingDto;
}

export const BindingRemove = defineRpc<BindingRemoveRequest, BindingRemoveReply>('policy.binding.remove', BindingRemoveRequest);
