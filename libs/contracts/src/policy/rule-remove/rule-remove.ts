import { IsString, Length, Matches } from 'class-validator';
import { defineRpc } from '../../rpc.js';
import { POLICY_DOMAIN_PATTERN } from '../decision-evaluate/decision-evaluate.js';
import type { PolicyRuleDto } from '../rule-add/rule-add.js';

/** policy.rule.remove — removes a rule of `domain` (NOT_FOUND when that domain has no such rule). */
export class RuleRemoveRequest {
  @IsString()
  @Length(1, 256)
  actor!: string;

  @Matches(POLICY_DOMAIN_PATTERN)
  domain!: string;

  @IsString()
  @Length(1, 63)
  id!: string;
}

export interface RuleRemoveReply {
  version: number;
  /** The rule as it was (the version keeps it as the previous value). */
  removed: PolicyRuleDto;
}

export const RuleRemove = defineRpc<RuleRemoveRequest, RuleRemoveReply>('policy.rule.remove', RuleRemoveRequest);
