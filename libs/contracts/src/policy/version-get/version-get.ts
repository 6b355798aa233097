import { IsInt, IsOptional, Matches, Min } from 'class-validator';
import { defineRpc } from '../../rpc.js';
import { POLICY_DOMAIN_PATTERN } from '../decision-evaluate/decision-evaluate.js';
import type { PolicyBindingDto } from '../binding-add/binding-add.js';
import type { PolicyChangeDto } from '../policy-changed/policy-changed.js';
import type { PolicyRuleDto } from '../rule-add/rule-add.js';

/** Who changed the policy, when, and how. */
export interface PolicyVersionDto {
  version: number;
  actor: string;
  action: string;
  domain: string;
  /** For a rollback: the version it restored. */
  rollbackTo?: number;
  at: string;
  changes: number;
}

/**
 * policy.version.get — one domain's policy as it stood at `version` (default: now), the changes
 * that version made when it touched this domain (each with its previous value), and the domain's
 * recent history. NOT_FOUND for a version that does not exist yet.
 */
export class VersionGetRequest {
  @Matches(POLICY_DOMAIN_PATTERN)
  domain!: string;

  @IsOptional()
  @IsInt()
  @Min(1)
  version?: number;
}

export interface VersionGetReply {
  current: number;
  version: number;
  /** Present when `version` changed this domain. */
  record?: PolicyVersionDto & { items: PolicyChangeDto[] };
  rules: PolicyRuleDto[];
  bindings: PolicyBindingDto[];
  /** The domain's last 50 versions, newest first. */
  history: PolicyVersionDto[];
}

export const VersionGet = defineRpc<VersionGetRequest, VersionGetReply>('policy.version.get', VersionGetRequest);
