import { IsArray, IsInt, IsObject, IsString, Matches, Min } from 'class-validator';
import { defineEvent } from '../../rpc.js';
import { POLICY_DOMAIN_PATTERN } from '../decision-evaluate/decision-evaluate.js';
import type { PolicyBindingDto } from '../binding-add/binding-add.js';
import type { PolicyRuleDto } from '../rule-add/rule-add.js';

/** One incremental edit of a version. */
export type PolicyChangeDto =
  { kind: 'rule'; op: 'add' | 'remove'; rule: PolicyRuleDto } | { kind: 'binding'; op: 'add' | 'remove'; binding: PolicyBindingDto };

/**
 * events.policy.changed (CloudEvents 1.0, type com.mcp.policy.changed) — published after every
 * committed policy version. Versions are gap-free and increase by one: a receiver holding version
 * N applies N+1 incrementally, ignores ≤ N, and on anything higher reloads (it missed one). Any
 * cached decision made at a version below `version` for `domain` (or for any tenant when the
 * domain is `*`) is stale.
 */
export class PolicyChangedEvent {
  @IsInt()
  @Min(1)
  version!: number;

  @IsString()
  actor!: string;

  /** rule.add, rule.remove, binding.add, binding.remove, tenant.bootstrap, rollback */
  @IsString()
  action!: string;

  @Matches(POLICY_DOMAIN_PATTERN)
  domain!: string;

  @IsArray()
  @IsObject({ each: true })
  changes!: PolicyChangeDto[];
}

export const PolicyChanged = defineEvent('events.policy.changed', PolicyChangedEvent);
