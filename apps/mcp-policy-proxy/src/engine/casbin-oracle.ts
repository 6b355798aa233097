import { readFileSync } from 'node:fs';
import { newEnforcer, newModelFromString, type Enforcer } from 'casbin';
import { isGlobalRole, type PolicyRule } from './rules.js';
import type { Decision, DecisionInput, PolicyIndex } from './policy-index.js';

// dist/apps/mcp-policy-proxy/src/engine/ → repository root; the model stays a plain file in the repo.
const MODEL_URL = new URL('../../../../../apps/mcp-policy-proxy/src/model/rbac_with_domains_abac.conf', import.meta.url);

export function readModelText(): string {
  return readFileSync(MODEL_URL, 'utf8');
}

/**
 * casbin running the model file over the same rules: the executable statement of the model that
 * the indexed engine is tested and benchmarked against. Role resolution (request roles, membership)
 * is the index's; the oracle receives the resolved roles as g/g2 lines.
 */
export class CasbinOracle {
  private constructor(
    private readonly enforcer: Enforcer,
    private readonly index: PolicyIndex,
  ) {}

  static async create(rules: readonly PolicyRule[], index: PolicyIndex): Promise<CasbinOracle> {
    const enforcer = await newEnforcer(newModelFromString(readModelText()));
    enforcer.addFunction('hasRole', (sub: { roles: readonly string[] }, role: string) => sub.roles.includes(role));
    enforcer.addFunction('startsWith', (s: unknown, prefix: string) => typeof s === 'string' && s.startsWith(prefix));
    await enforcer.addPolicies(rules.map((r) => [r.subject, r.domain, r.resource, r.action, r.condition, r.effect, r.id]));
    return new CasbinOracle(enforcer, index);
  }

  /** Replaces the subject's g/g2 lines with its resolved roles for this request. */
  async grant(input: DecisionInput): Promise<string[]> {
    const roles = this.index.resolveRoles(input);
    await this.enforcer.removeFilteredGroupingPolicy(0, input.subject.id);
    await this.enforcer.removeFilteredNamedGroupingPolicy('g2', 0, input.subject.id);
    for (const role of roles) {
      if (isGlobalRole(role)) await this.enforcer.addNamedGroupingPolicy('g2', input.subject.id, role);
      else await this.enforcer.addGroupingPolicy(input.subject.id, role, input.tenantId);
    }
    return roles;
  }

  /** Decides after grant(); membership gating is shared with the index, so this covers rule matching. */
  decide(input: DecisionInput, roles: readonly string[]): Decision {
    if (!roles.length) return { allow: false, reason: 'tenant_not_member' };
    const sub = { id: input.subject.id, roles, attributes: input.subject.attributes ?? {} };
    const [allow, line] = this.enforcer.enforceExSync(sub, input.tenantId, input.resource, input.action, input.context ?? {});
    if (!line.length) return { allow, reason: 'no_matching_rule' };
    return { allow, reason: allow ? 'allowed' : 'explicit_deny', matchedRule: line[6]! };
  }
}
