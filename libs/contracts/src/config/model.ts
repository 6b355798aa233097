// Data shapes that cross the wire in config.* replies and events.config.* events.
// They live in contracts (not in the app) because #config-client and the gateway read them too.

export type JsonValue = null | boolean | number | string | JsonValue[] | { [key: string]: JsonValue };

/** Attribute values a flag rule can match on. */
export type AttributeValue = string | number | boolean | string[];

/**
 * Who a flag is evaluated for. `userId` is the default bucketing key for percentage
 * rollouts; `tenantId` is used when there is no user (machine clients).
 */
export interface EvaluationContext {
  tenantId?: string;
  userId?: string;
  attributes?: Record<string, AttributeValue>;
}

export type ClauseOperator = 'in' | 'notIn' | 'contains' | 'startsWith' | 'lt' | 'lte' | 'gt' | 'gte';

/**
 * One condition of a rule. `attribute` is `tenantId`, `userId` or a key of
 * `EvaluationContext.attributes`. A clause on a missing attribute never matches
 * (`notIn` included), so an unknown subject is never targeted by accident.
 */
export interface FlagClause {
  attribute: string;
  op: ClauseOperator;
  values: Array<string | number | boolean>;
}

export interface WeightedVariation {
  variation: number;
  /** Percentage 0..100 (two decimals are significant); the weights of a rollout sum to 100. */
  weight: number;
}

/**
 * What a rule (or the fallthrough) serves: a fixed variation, or a percentage rollout
 * bucketed by `bucketBy` (default `userId`, then `tenantId`).
 */
export type FlagServe = { variation: number } | { rollout: WeightedVariation[]; bucketBy?: string };

export interface FlagRule {
  id: string;
  /** All clauses must match (AND); rules are tried in order and the first match wins. */
  clauses: FlagClause[];
  serve: FlagServe;
}

export type FlagKind = 'boolean' | 'multivariate';

export interface FlagDefinition {
  key: string;
  kind: FlagKind;
  description?: string;
  /** Boolean flags have exactly [false, true]. */
  variations: JsonValue[];
  /** Served when the flag is disabled or killed. */
  offVariation: number;
  enabled: boolean;
  /**
   * Kill switch: when true the flag serves `offVariation` everywhere, whatever
   * `enabled` and the rules say. Set through config.flag.kill only, so a kill is a
   * separate, audited act that a routine flag edit cannot undo by accident.
   */
  killed: boolean;
  rules: FlagRule[];
  fallthrough: FlagServe;
  /** Per-flag version (optimistic concurrency on config.flag.set). */
  version: number;
  updatedAt: string;
  updatedBy: string;
}

export type FlagReason = 'KILLED' | 'OFF' | 'RULE_MATCH' | 'FALLTHROUGH' | 'FLAG_NOT_FOUND';

export interface FlagEvaluation<T extends JsonValue = JsonValue> {
  value: T;
  variation: number | null;
  reason: FlagReason;
  ruleId?: string;
}

export type TenantStatus = 'active' | 'suspended' | 'deleted';
export type TenantTier = 'free' | 'standard' | 'premium' | 'enterprise';

export interface TenantLimits {
  requests_per_minute: number;
  concurrent_contexts: number;
}

/** A tenant as the registry (and the gateway through #config-client) sees it. */
export interface TenantRecord {
  id: string;
  name: string;
  schema: string;
  tier: TenantTier;
  status: TenantStatus;
  features: string[];
  limits: TenantLimits;
  /** `pending` while mcp-policy-proxy has not yet installed the tenant's default policies. */
  policyBootstrap: 'pending' | 'done';
  version: number;
  createdAt: string;
  updatedAt: string;
}
