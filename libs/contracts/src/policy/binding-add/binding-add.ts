// class-transformer's @Type reads design-time types; the contracts load without Nest in clients and tests.
import 'reflect-metadata';
import { Type } from 'class-transformer';
import { IsObject, IsString, Length, Matches, ValidateNested } from 'class-validator';
import { defineRpc } from '../../rpc.js';
import { POLICY_DOMAIN_PATTERN } from '../decision-evaluate/decision-evaluate.js';

/** A role binding: `subjectId` holds `role` in `domain` (a tenant, or `*` for platform-… roles). */
export class PolicyBindingInput {
  @Matches(POLICY_DOMAIN_PATTERN)
  domain!: string;

  @IsString()
  @Length(1, 128)
  subjectId!: string;

  @IsString()
  @Length(1, 63)
  role!: string;
}

export interface PolicyBindingDto {
  domain: string;
  subjectId: string;
  role: string;
}

/**
 * policy.binding.add — binds a subject to a role. The role must be defined by a rule of the
 * domain or a platform rule (VALIDATION_FAILED otherwise); an existing binding is CONFLICT.
 */
export class BindingAddRequest {
  @IsString()
  @Length(1, 256)
  actor!: string;

  @IsObject()
  @ValidateNested()
  @Type(() => PolicyBindingInput)
  binding!: PolicyBindingInput;
}

export interface BindingAddReply {
  version: number;
  binding: PolicyBindingDto;
}

export const BindingAdd = defineRpc<BindingAddRequest, BindingAddReply>('policy.binding.add', BindingAddRequest);
