// class-transformer's @Type reads design-time types; the contracts load without Nest in clients and tests.
import 'reflect-metadata';
import { Type } from 'class-transformer';
import { IsObject, IsIn, IsOptional, IsString, Length, Matches, ValidateNested } from 'class-validator';
import { defineRpc } from '../../rpc.js';
import { POLICY_DOMAIN_PATTERN } from '../decision-evaluate/decision-evaluate.js';

/** A rule as stored and listed (docs/POLICY.md describes each field). */
export interface PolicyRuleDto {
  id: string;
  domain: string;
  subject: string;
  resource: string;
  action: string;
  condition: string;
  effect: 'allow' | 'deny';
  reason?: string;
  description?: string;
}

/**
 * A rule as submitted. Shapes are checked here; the policy proxy then checks syntax (names,
 * the condition expression) and that named roles exist, answering VALIDATION_FAILED with
 * `details.violations` and storing nothing when any check fails.
 */
export class PolicyRuleInput {
  /** Stable id (`[a-z0-9][a-z0-9._-]*`); generated when absent. */
  @IsOptional()
  @IsString()
  @Length(1, 63)
  id?: string;

  /** Tenant id, or `*` for a platform-wide rule. */
  @Matches(POLICY_DOMAIN_PATTERN)
  domain!: string;

  /** Role name, or `*` for anyone with standing in the tenant. */
  @IsString()
  @Length(1, 63)
  subject!: string;

  /** Resource type, or `*`. */
  @IsString()
  @Length(1, 63)
  resource!: string;

  /** HTTP method or verb, or `*`. */
  @IsString()
  @Length(1, 63)
  action!: string;

  /** ABAC condition in the casbin expression subset (docs/POLICY.md); unconditional when absent. */
  @IsOptional()
  @IsString()
  @Length(0, 512)
  condition?: string;

  @IsIn(['allow', 'deny'])
  effect!: 'allow' | 'deny';

  /** snake_case reason reported when this rule decides. */
  @IsOptional()
  @IsString()
  @Length(1, 63)
  reason?: string;

  @IsOptional()
  @IsString()
  @Length(0, 500)
  description?: string;
}

/** policy.rule.add — adds one rule as a new policy version. An id already in use is CONFLICT. */
export class RuleAddRequest {
  /** Principal making the change (recorded in the version). */
  @IsString()
  @Length(1, 256)
  actor!: string;

  @IsObject()
  @ValidateNested()
  @Type(() => PolicyRuleInput)
  rule!: PolicyRuleInput;
}

export interface RuleAddReply {
  version: number;
  rule: PolicyRuleDto;
}

export const RuleAdd = defineRpc<RuleAddRequest, RuleAddReply>('policy.rule.add', RuleAddRequest);
