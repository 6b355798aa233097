import { IsOptional, IsString, Length, Matches } from 'class-validator';
import { defineRpc } from '../../rpc.js';
import { POLICY_DOMAIN_PATTERN } from '../decision-evaluate/decision-evaluate.js';
import type { PolicyBindingDto } from '../binding-add/binding-add.js';

/** policy.binding.list — bindings of one domain, optionally of one subject. */
export class BindingListRequest {
  @Matches(POLICY_DOMAIN_PATTERN)
  domain!: string;

  @IsOptional()
  @IsString()
  @Length(1, 128)
  subjectId?: string;
}

export interface BindingListReply {
  version: number;
  bindings: PolicyBindingDto[];
}

export const BindingList = defineRpc<BindingListRequest, BindingListReply>('policy.binding.list', BindingListRequest);
