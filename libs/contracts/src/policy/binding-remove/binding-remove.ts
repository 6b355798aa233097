// class-transformer's @Type reads design-time types; the contracts load without Nest in clients and tests.
import 'reflect-metadata';
import { Type } from 'class-transformer';
import { IsObject, IsString, Length, ValidateNested } from 'class-validator';
import { defineRpc } from '../../rpc.js';
import { PolicyBindingInput, type PolicyBindingDto } from '../binding-add/binding-add.js';

/** policy.binding.remove — removes a binding (NOT_FOUND when there is none). */
export class BindingRemoveRequest {
  @IsString()
  @Length(1, 256)
  actor!: string;

  @IsObject()
  @ValidateNested()
  @Type(() => PolicyBindingInput)
  binding!: PolicyBindingInput;
}

export interface BindingRemoveReply {
  version: number;
  removed: PolicyBindingDto;
}

export const BindingRemove = defineRpc<BindingRemoveRequest, BindingRemoveReply>('policy.binding.remove', BindingRemoveRequest);
