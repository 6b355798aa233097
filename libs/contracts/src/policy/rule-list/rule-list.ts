import { Matches } from 'class-validator';
import { defineRpc } from '../../rpc.js';
import { POLICY_DOMAIN_PATTERN } from '../decision-evaluate/decision-evaluate.js';
import type { PolicyRuleDto } from '../rule-add/rule-add.js';

/** policy.rule.list — the rules of one domain (a tenant, or `*` for platform rules), by id. */
export class RuleListRequest {
  @Matches(POLICY_DOMAIN_PATTERN)
  domain!: string;
}

export interface RuleListReply {
  version: number;
  rules: PolicyRuleDto[];
}

export const RuleList = defineRpc<RuleListRequest, RuleListReply>('policy.rule.list', RuleListRequest);
