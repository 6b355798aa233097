import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import {
  DomainError,
  ErrorCode,
  PolicyChanged,
  type PolicyBindingDto,
  type PolicyBindingInput,
  type PolicyRuleDto,
  type PolicyRuleInput,
  type PolicyVersionDto,
  type VersionGetReply,
} from '#contracts';
import { EventBus } from '#messaging';
import { isTenantId, parseTenantId } from '#tenancy';
import { tenantDefaultRules } from '../engine/default-policy.js';
import { GLOBAL_DOMAIN, PolicyValidationError, validateBinding, validateRule, type RuleContext } from '../engine/rules.js';
import { diffDomain, replay, type PolicyChange, type PolicySnapshot } from '../store/changes.js';
import { PolicyStore, type MutationContext, type VersionMeta } from '../store/policy-store.js';
import { LivePolicy } from './live-policy.js';

const HISTORY_LIMIT = 50;

/** A domain from the wire: `*` or a tenant id that passes the tenancy lib's check. */
function parseDomain(domain: string): string {
  return domain === GLOBAL_DOMAIN ? domain : parseTenantId(domain);
}

function validationError(err: PolicyValidationError): DomainError {
  return new DomainError(
    ErrorCode.VALIDATION_FAILED,
    err.kind === 'unknown_role' ? `Unknown role: ${err.message}` : `Invalid policy: ${err.message}`,
    { reason: err.kind, violations: err.issues.map((i) => ({ path: i.field, message: i.message })) },
  );
}

/**
 * Every change to rules and bindings: validated against the policy as it stands in the database
 * (under the writers' lock), stored as one version, applied here, then announced so every other
 * instance applies the same change.
 */
@Injectable()
export class PolicyAdmin {
  constructor(
    private readonly store: PolicyStore,
    private readonly live: LivePolicy,
    private readonly bus: EventBus,
  ) {}

  private ruleContext(): RuleContext {
    return { isTenantId, knownRoles: (d) => this.live.index.knownRoles(d) };
  }

  /** Runs `plan` against an index that is at the database's version, then commits and publishes. */
  private async mutate(meta: VersionMeta, plan: (ctx: MutationContext) => Promise<PolicyChange[]> | PolicyChange[]) {
    const committed = await this.store.mutate(meta, async (ctx) => {
      if (ctx.dbVersion !== this.live.version) await this.live.replace(await ctx.load(), 'catch-up');
      try {
        return await plan(ctx);
      } catch (err) {
        throw err instanceof PolicyValidationError ? validationError(err) : err;
      }
    });
    if (!committed) return { version: this.live.version, changes: [] as PolicyChange[] };
    await this.live.advance(committed.version, committed.changes);
    this.bus.publish(
      PolicyChanged,
      { version: committed.version, actor: meta.actor, action: meta.action, domain: meta.domain, changes: committed.changes },
      { subject: meta.domain, ...(meta.domain !== GLOBAL_DOMAIN ? { tenantId: meta.domain } : {}) },
    );
    return committed;
  }

  async addRule(actor: string, input: PolicyRuleInput): Promise<{ version: number; rule: PolicyRuleDto }> {
    const domain = parseDomain(input.domain);
    // Ids carry their domain, so one tenant's ids can neither collide with nor reveal another's.
    const prefix = `${domain === GLOBAL_DOMAIN ? 'platform' : domain}.`;
    if (input.id !== undefined && !input.id.startsWith(prefix)) {
      throw new DomainError(ErrorCode.VALIDATION_FAILED, `Rule ids in this domain start with "${prefix}"`, {
        violations: [{ path: 'rule.id', message: `must start with "${prefix}"` }],
      });
    }
    const candidate = { ...input, id: input.id ?? `${prefix}${randomUUID().slice(0, 8)}` };
    let rule: PolicyRuleDto | undefined;
    const { version } = await this.mutate({ actor, action: 'rule.add', domain }, () => {
      const valid = validateRule(candidate as unknown as Record<string, unknown>, this.ruleContext());
      if (this.live.index.hasRule(valid.id)) {
        throw new DomainError(ErrorCode.CONFLICT, `Rule ${valid.id} already exists`, { id: valid.id });
      }
      rule = valid;
      return [{ kind: 'rule', op: 'add', rule: valid }];
    });
    return { version, rule: rule! };
  }

  async removeRule(actor: string, domainIn: string, id: string): Promise<{ version: number; removed: PolicyRuleDto }> {
    const domain = parseDomain(domainIn);
    let removed: PolicyRuleDto | undefined;
    const { version } = await this.mutate({ actor, action: 'rule.remove', domain }, () => {
      const rule = this.live.index.getRule(id);
      if (!rule || rule.domain !== domain) throw new DomainError(ErrorCode.NOT_FOUND, `No rule ${id} in domain ${domain}`, { id, domain });
      removed = rule;
      return [{ kind: 'rule', op: 'remove', rule }];
    });
    return { version, removed: removed! };
  }

  async addBinding(actor: string, input: PolicyBindingInput): Promise<{ version: number; binding: PolicyBindingDto }> {
    const domain = parseDomain(input.domain);
    let binding: PolicyBindingDto | undefined;
    const { version } = await this.mutate({ actor, action: 'binding.add', domain }, () => {
      const valid = validateBinding({ domain, subjectId: input.subjectId, role: input.role }, this.ruleContext());
      if (this.live.index.hasBinding(valid)) throw new DomainError(ErrorCode.CONFLICT, 'Binding already exists', { ...valid });
      binding = valid;
      return [{ kind: 'binding', op: 'add', binding: valid }];
    });
    return { version, binding: binding! };
  }

  async removeBinding(actor: string, input: PolicyBindingInput): Promise<{ version: number; removed: PolicyBindingDto }> {
    const domain = parseDomain(input.domain);
    const binding = { domain, subjectId: input.subjectId, role: input.role };
    const { version } = await this.mutate({ actor, action: 'binding.remove', domain }, () => {
      if (!this.live.index.hasBinding(binding)) throw new DomainError(ErrorCode.NOT_FOUND, 'No such binding', { ...binding });
      return [{ kind: 'binding', op: 'remove', binding }];
    });
    return { version, removed: binding };
  }

  async bootstrapTenant(actor: string, tenantIdIn: string): Promise<{ version: number; installed: string[] }> {
    const tenantId = parseTenantId(tenantIdIn);
    const { version, changes } = await this.mutate({ actor, action: 'tenant.bootstrap', domain: tenantId }, () =>
      tenantDefaultRules(tenantId)
        .filter((r) => !this.live.index.hasRule(r.id))
        .map((rule) => ({ kind: 'rule', op: 'add', rule })),
    );
    return { version, installed: changes.flatMap((c) => (c.kind === 'rule' ? [c.rule.id] : [])) };
  }

  async rollback(actor: string, domainIn: string, toVersion: number): Promise<{ version: number; changes: number }> {
    const domain = parseDomain(domainIn);
    const { version, changes } = await this.mutate({ actor, action: 'rollback', domain, rollbackTo: toVersion }, async (ctx) => {
      if (toVersion > ctx.dbVersion)
        throw new DomainError(ErrorCode.NOT_FOUND, `No version ${toVersion} yet`, { toVersion, current: ctx.dbVersion });
      return diffDomain(this.snapshot(domain), await ctx.stateAt(toVersion), domain);
    });
    return { version, changes: changes.length };
  }

  private snapshot(domain: string): PolicySnapshot {
    return replay([
      ...this.live.index.listRules(domain).map((rule): PolicyChange => ({ kind: 'rule', op: 'add', rule })),
      ...this.live.index.listBindings(domain).map((binding): PolicyChange => ({ kind: 'binding', op: 'add', binding })),
    ]);
  }

  listRules(domainIn: string): { version: number; rules: PolicyRuleDto[] } {
    const domain = parseDomain(domainIn);
    return { version: this.live.version, rules: this.live.index.listRules(domain) };
  }

  listBindings(domainIn: string, subjectId?: string): { version: number; bindings: PolicyBindingDto[] } {
    const domain = parseDomain(domainIn);
    const bindings = this.live.index.listBindings(domain).filter((b) => subjectId === undefined || b.subjectId === subjectId);
    return { version: this.live.version, bindings };
  }

  async getVersion(domainIn: string, requested?: number): Promise<VersionGetReply> {
    const domain = parseDomain(domainIn);
    const current = await this.store.currentVersion();
    const version = requested ?? current;
    if (version > current) throw new DomainError(ErrorCode.NOT_FOUND, `No version ${version} yet`, { version, current });
    const [state, record, history] = await Promise.all([
      this.store.stateAt(version),
      this.store.version(version),
      this.store.versions(domain, HISTORY_LIMIT),
    ]);
    const inDomain = <T extends { domain: string }>(items: Iterable<T>): T[] => [...items].filter((i) => i.domain === domain);
    return {
      current,
      version,
      ...(record && record.domain === domain ? { record } : {}),
      rules: inDomain(state.rules.values()).sort((a, b) => (a.id < b.id ? -1 : 1)),
      bindings: inDomain(state.bindings.values()),
      history: history satisfies PolicyVersionDto[],
    };
  }
}
