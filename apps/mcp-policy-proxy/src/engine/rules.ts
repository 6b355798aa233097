import { compileCondition, ConditionSyntaxError, conditionRoles } from './condition.js';

/** Domain of rules and bindings that apply in every tenant. */
export const GLOBAL_DOMAIN = '*';
/** Any role holder in the domain (a rule's subject). */
export const ANY = '*';
/** Implicit role of every subject whose `tenants` include the requested tenant. */
export const MEMBER_ROLE = 'member';
/** Roles named `platform-…` are global: they hold in every tenant and are bound only in the global domain. */
export const GLOBAL_ROLE_PREFIX = 'platform-';
export const PLATFORM_ADMIN_ROLE = 'platform-admin';
export const BREAK_GLASS_ROLE = 'platform-break-glass';
export const BUILTIN_ROLES: readonly string[] = [MEMBER_ROLE, PLATFORM_ADMIN_ROLE, BREAK_GLASS_ROLE];

export type Effect = 'allow' | 'deny';

export interface PolicyRule {
  readonly id: string;
  /** A tenant id, or `*` for every tenant. */
  readonly domain: string;
  /** A role name, or `*` for any role holder in the domain. */
  readonly subject: string;
  /** A resource type, or `*`. */
  readonly resource: string;
  /** An action (HTTP method or verb such as `tools.call`), or `*`. */
  readonly action: string;
  /** ABAC condition in the casbin expression subset of condition.ts; `true` when unconditional. */
  readonly condition: string;
  readonly effect: Effect;
  /** Reason code reported when this rule decides (deny rules; defaults to `explicit_deny`). */
  readonly reason?: string | undefined;
  readonly description?: string | undefined;
}

export interface RoleBinding {
  readonly domain: string;
  readonly subjectId: string;
  readonly role: string;
}

// '/' appears in none of the three parts (see the patterns below), so the key is unambiguous.
export const bindingKey = (b: RoleBinding): string => `${b.domain}/${b.subjectId}/${b.role}`;

export const isGlobalRole = (role: string): boolean => role.startsWith(GLOBAL_ROLE_PREFIX);

const ROLE = /^[a-z][a-z0-9_.:-]{0,62}$/;
const RESOURCE = /^[a-z][a-zA-Z0-9_.:-]{0,62}$/;
const ACTION = /^[A-Za-z][A-Za-z0-9_.:-]{0,62}$/;
const RULE_ID = /^[a-z0-9][a-z0-9._-]{0,62}$/;
const REASON = /^[a-z][a-z0-9_]{0,62}$/;
const SUBJECT_ID = /^[A-Za-z0-9][A-Za-z0-9._@:|-]{0,127}$/;

export interface ValidationIssue {
  readonly field: string;
  readonly message: string;
}

/** `malformed` is a shape error; `unknown_role` means the rule or binding names a role no rule defines. */
export class PolicyValidationError extends Error {
  constructor(
    readonly kind: 'malformed' | 'unknown_role',
    readonly issues: readonly ValidationIssue[],
  ) {
    super(issues.map((i) => `${i.field}: ${i.message}`).join('; '));
  }
}

export interface RuleContext {
  /** Tenant id syntax check (the tenancy lib's, since domains become part of schema names elsewhere). */
  readonly isTenantId: (value: string) => boolean;
  /** Roles that rules in this domain or the global domain define (as subjects), plus the built-in ones. */
  readonly knownRoles: (domain: string) => ReadonlySet<string>;
}

function checkDomain(domain: unknown, ctx: RuleContext, issues: ValidationIssue[]): domain is string {
  if (domain === GLOBAL_DOMAIN) return true;
  if (typeof domain !== 'string' || !ctx.isTenantId(domain)) {
    issues.push({ field: 'domain', message: 'must be a valid tenant id or "*"' });
    return false;
  }
  return true;
}

const optionalString = (v: unknown): v is string | undefined => v === undefined || typeof v === 'string';

/** Validates a rule as submitted; returns it normalised (condition defaults to `true`). */
export function validateRule(input: Record<string, unknown>, ctx: RuleContext): PolicyRule {
  const issues: ValidationIssue[] = [];
  const { id, domain, subject, resource, action, effect, reason, description } = input;
  const condition = input['condition'] === undefined || input['condition'] === '' ? 'true' : input['condition'];
  if (typeof id !== 'string' || !RULE_ID.test(id)) issues.push({ field: 'id', message: 'must match ' + RULE_ID.source });
  checkDomain(domain, ctx, issues);
  if (typeof subject !== 'string' || (subject !== ANY && !ROLE.test(subject))) {
    issues.push({ field: 'subject', message: 'must be a role name or "*"' });
  }
  if (typeof resource !== 'string' || (resource !== ANY && !RESOURCE.test(resource))) {
    issues.push({ field: 'resource', message: 'must be a resource type or "*"' });
  }
  if (typeof action !== 'string' || (action !== ANY && !ACTION.test(action))) {
    issues.push({ field: 'action', message: 'must be an action name or "*"' });
  }
  if (effect !== 'allow' && effect !== 'deny') issues.push({ field: 'effect', message: 'must be "allow" or "deny"' });
  if (!optionalString(reason) || (reason !== undefined && !REASON.test(reason))) {
    issues.push({ field: 'reason', message: 'must be a snake_case reason code' });
  }
  if (!optionalString(description) || (description !== undefined && description.length > 500)) {
    issues.push({ field: 'description', message: 'must be a string of at most 500 characters' });
  }
  let roles: string[] = [];
  if (typeof condition !== 'string') {
    issues.push({ field: 'condition', message: 'must be a string' });
  } else {
    try {
      compileCondition(condition);
      roles = conditionRoles(condition);
    } catch (e) {
      if (!(e instanceof ConditionSyntaxError)) throw e;
      issues.push({ field: 'condition', message: `${e.message} at ${e.position}` });
    }
  }
  if (issues.length) throw new PolicyValidationError('malformed', issues);
  const d = domain as string;
  if (d !== GLOBAL_DOMAIN && isGlobalRole(subject as string)) {
    // A tenant may restrict platform roles in its own domain, but only with deny rules.
    if (effect === 'allow')
      throw new PolicyValidationError('malformed', [{ field: 'subject', message: 'a tenant rule cannot grant a platform role' }]);
  }
  const known = ctx.knownRoles(d);
  const unknown = roles.filter((r) => !known.has(r) && r !== subject);
  if (unknown.length) {
    throw new PolicyValidationError(
      'unknown_role',
      unknown.map((r) => ({ field: 'condition', message: `unknown role "${r}"` })),
    );
  }
  return {
    id: id as string,
    domain: d,
    subject: subject as string,
    resource: resource as string,
    action: action as string,
    condition: condition as string,
    effect: effect as Effect,
    ...(reason !== undefined ? { reason: reason as string } : {}),
    ...(description !== undefined ? { description: description as string } : {}),
  };
}

export function validateBinding(input: Record<string, unknown>, ctx: RuleContext): RoleBinding {
  const issues: ValidationIssue[] = [];
  const { domain, subjectId, role } = input;
  checkDomain(domain, ctx, issues);
  if (typeof subjectId !== 'string' || !SUBJECT_ID.test(subjectId)) {
    issues.push({ field: 'subjectId', message: 'must be a subject id (letters, digits, . _ @ : | -)' });
  }
  if (typeof role !== 'string' || !ROLE.test(role)) issues.push({ field: 'role', message: 'must be a role name' });
  if (issues.length) throw new PolicyValidationError('malformed', issues);
  const d = domain as string;
  const r = role as string;
  if (isGlobalRole(r) !== (d === GLOBAL_DOMAIN)) {
    throw new PolicyValidationError('malformed', [
      { field: 'role', message: 'platform-… roles are bound in domain "*" and only they are' },
    ]);
  }
  if (!ctx.knownRoles(d).has(r)) {
    throw new PolicyValidationError('unknown_role', [{ field: 'role', message: `unknown role "${r}" in domain "${d}"` }]);
  }
  return { domain: d, subjectId: subjectId as string, role: r };
}
