import { compileCondition, type Condition, type ConditionInput } from './condition.js';
import { ANY, BUILTIN_ROLES, GLOBAL_DOMAIN, MEMBER_ROLE, bindingKey, isGlobalRole, type PolicyRule, type RoleBinding } from './rules.js';

export interface DecisionInput {
  readonly subject: {
    readonly id: string;
    readonly roles: readonly string[];
    readonly tenants: readonly string[];
    readonly attributes?: Record<string, unknown> | undefined;
  };
  readonly tenantId: string;
  readonly resource: {
    readonly type: string;
    readonly id?: string | undefined;
    readonly owner?: string | undefined;
    readonly attributes?: Record<string, unknown> | undefined;
  };
  readonly action: string;
  readonly context?: Record<string, unknown> | undefined;
}

export type DecisionReason = 'allowed' | 'explicit_deny' | 'no_matching_rule' | 'tenant_not_member' | (string & {});

export interface Decision {
  readonly allow: boolean;
  readonly reason: DecisionReason;
  readonly matchedRule?: string;
}

interface CompiledRule {
  readonly rule: PolicyRule;
  readonly test: Condition;
  readonly unconditional: boolean;
}

type ByResource = Map<string, CompiledRule[]>;
type ByRole = Map<string, ByResource>;

const NOT_MEMBER: Decision = Object.freeze({ allow: false, reason: 'tenant_not_member' });
const NO_MATCH: Decision = Object.freeze({ allow: false, reason: 'no_matching_rule' });
const EMPTY: Record<string, unknown> = Object.freeze({}) as Record<string, unknown>;

/**
 * The policy held in memory, indexed domain → role → resource type so a decision touches only the
 * rules that could match it (casbin's enforcer scans every policy line per request). Semantics are
 * those of model/rbac_with_domains_abac.conf: deny overrides allow, no match denies; the
 * differential test in policy-index.spec.ts holds the two to the same answers.
 */
export class PolicyIndex {
  private readonly rules = new Map<string, CompiledRule>();
  private readonly byDomain = new Map<string, ByRole>();
  private readonly bindings = new Map<string, RoleBinding>();
  /** domain → subject id → roles bound there */
  private readonly bound = new Map<string, Map<string, Set<string>>>();
  /** domain → role → number of rules whose subject it is */
  private readonly roleUse = new Map<string, Map<string, number>>();

  get ruleCount(): number {
    return this.rules.size;
  }
  get bindingCount(): number {
    return this.bindings.size;
  }

  hasRule(id: string): boolean {
    return this.rules.has(id);
  }
  getRule(id: string): PolicyRule | undefined {
    return this.rules.get(id)?.rule;
  }
  hasBinding(b: RoleBinding): boolean {
    return this.bindings.has(bindingKey(b));
  }

  /** Rules of one domain (or all when omitted), in id order so listings and snapshots are stable. */
  listRules(domain?: string): PolicyRule[] {
    const out: PolicyRule[] = [];
    for (const c of this.rules.values()) if (domain === undefined || c.rule.domain === domain) out.push(c.rule);
    return out.sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  }

  listBindings(domain?: string): RoleBinding[] {
    const out: RoleBinding[] = [];
    for (const b of this.bindings.values()) if (domain === undefined || b.domain === domain) out.push(b);
    return out.sort((a, b) => (bindingKey(a) < bindingKey(b) ? -1 : 1));
  }

  /** Roles a binding or condition in `domain` may name: built-ins and subjects of rules there or global. */
  knownRoles(domain: string): Set<string> {
    const known = new Set(BUILTIN_ROLES);
    for (const d of domain === GLOBAL_DOMAIN ? [GLOBAL_DOMAIN] : [domain, GLOBAL_DOMAIN]) {
      for (const role of this.roleUse.get(d)?.keys() ?? []) known.add(role);
    }
    return known;
  }

  addRule(rule: PolicyRule): void {
    if (this.rules.has(rule.id)) throw new Error(`rule ${rule.id} already loaded`);
    const compiled: CompiledRule = { rule, test: compileCondition(rule.condition), unconditional: rule.condition === 'true' };
    this.rules.set(rule.id, compiled);
    let byRole = this.byDomain.get(rule.domain);
    if (!byRole) this.byDomain.set(rule.domain, (byRole = new Map()));
    let byRes = byRole.get(rule.subject);
    if (!byRes) byRole.set(rule.subject, (byRes = new Map()));
    const list = byRes.get(rule.resource);
    if (list) list.push(compiled);
    else byRes.set(rule.resource, [compiled]);
    if (rule.subject !== ANY) {
      let use = this.roleUse.get(rule.domain);
      if (!use) this.roleUse.set(rule.domain, (use = new Map()));
      use.set(rule.subject, (use.get(rule.subject) ?? 0) + 1);
    }
  }

  removeRule(id: string): PolicyRule | undefined {
    const compiled = this.rules.get(id);
    if (!compiled) return undefined;
    const { rule } = compiled;
    this.rules.delete(id);
    const byRole = this.byDomain.get(rule.domain)!;
    const byRes = byRole.get(rule.subject)!;
    const list = byRes.get(rule.resource)!.filter((c) => c !== compiled);
    if (list.length) byRes.set(rule.resource, list);
    else byRes.delete(rule.resource);
    if (!byRes.size) byRole.delete(rule.subject);
    if (!byRole.size) this.byDomain.delete(rule.domain);
    if (rule.subject !== ANY) {
      const use = this.roleUse.get(rule.domain)!;
      const n = use.get(rule.subject)! - 1;
      if (n) use.set(rule.subject, n);
      else use.delete(rule.subject);
      if (!use.size) this.roleUse.delete(rule.domain);
    }
    return rule;
  }

  addBinding(b: RoleBinding): boolean {
    const key = bindingKey(b);
    if (this.bindings.has(key)) return false;
    this.bindings.set(key, b);
    let subjects = this.bound.get(b.domain);
    if (!subjects) this.bound.set(b.domain, (subjects = new Map()));
    let roles = subjects.get(b.subjectId);
    if (!roles) subjects.set(b.subjectId, (roles = new Set()));
    roles.add(b.role);
    return true;
  }

  removeBinding(b: RoleBinding): boolean {
    if (!this.bindings.delete(bindingKey(b))) return false;
    const subjects = this.bound.get(b.domain)!;
    const roles = subjects.get(b.subjectId)!;
    roles.delete(b.role);
    if (!roles.size) subjects.delete(b.subjectId);
    if (!subjects.size) this.bound.delete(b.domain);
    return true;
  }

  /**
   * Roles the subject holds in the requested tenant. Request roles count only in tenants the
   * subject belongs to (its `tenants`), except global `platform-…` roles; bindings add to both.
   * An empty result means the subject has no standing in the tenant at all.
   */
  resolveRoles(input: DecisionInput): string[] {
    const { subject, tenantId } = input;
    const roles: string[] = [];
    const add = (r: string): void => {
      if (!roles.includes(r)) roles.push(r);
    };
    const domainBound = this.bound.get(tenantId)?.get(subject.id);
    if (subject.tenants.includes(tenantId)) {
      add(MEMBER_ROLE);
      for (const r of subject.roles) if (!isGlobalRole(r)) add(r);
    } else if (domainBound) {
      add(MEMBER_ROLE);
    }
    if (domainBound) for (const r of domainBound) add(r);
    for (const r of subject.roles) if (isGlobalRole(r)) add(r);
    for (const r of this.bound.get(GLOBAL_DOMAIN)?.get(subject.id) ?? []) add(r);
    return roles;
  }

  evaluate(input: DecisionInput): Decision {
    const roles = this.resolveRoles(input);
    if (!roles.length) return NOT_MEMBER;
    const condInput: ConditionInput = {
      sub: { id: input.subject.id, roles, attributes: input.subject.attributes ?? EMPTY },
      obj: input.resource,
      act: input.action,
      dom: input.tenantId,
      ctx: input.context ?? EMPTY,
    };
    let allowed: CompiledRule | undefined;
    for (const domain of [input.tenantId, GLOBAL_DOMAIN]) {
      const byRole = this.byDomain.get(domain);
      if (!byRole) continue;
      for (let i = 0; i <= roles.length; i++) {
        const byRes = byRole.get(i < roles.length ? roles[i]! : ANY);
        if (!byRes) continue;
        for (const resource of [input.resource.type, ANY]) {
          const list = byRes.get(resource);
          if (!list) continue;
          for (const c of list) {
            const act = c.rule.action;
            if (act !== ANY && act !== input.action) continue;
            if (c.rule.effect === 'allow' && allowed) continue;
            if (!c.unconditional && !c.test(condInput)) continue;
            if (c.rule.effect === 'deny') {
              return { allow: false, reason: c.rule.reason ?? 'explicit_deny', matchedRule: c.rule.id };
            }
            allowed = c;
          }
        }
      }
    }
    return allowed ? { allow: true, reason: allowed.rule.reason ?? 'allowed', matchedRule: allowed.rule.id } : NO_MATCH;
  }
}
