import { Controller, Inject, Injectable } from '@nestjs/common';
import { EventPattern } from '@nestjs/microservices';
import { Counter } from 'prom-client';
import { DecisionEvaluate, DomainError, ErrorCode, PolicyChanged, type DecisionEvaluateRequest } from '#contracts';
import { APP_ENV } from '#env';
import type { Principal } from '#auth';
import type { GatewayEnv } from '../env.js';
import { Downstream } from '../forwarding/downstream.service.js';
import { PolicyDecider, type GatewayTenant, type PolicyQuery, type PolicyVerdict } from '../pipeline/request-context.js';
import { DecisionCache } from './decision-cache.js';

const decisions = new Counter({ name: 'gateway_policy_decisions_total', help: 'Policy decisions by outcome', labelNames: ['allow'] });

/** Asks mcp-policy-proxy, through a short-lived cache that a policy change empties at once. */
@Injectable()
export class PolicyService extends PolicyDecider {
  private readonly cache: DecisionCache<PolicyVerdict>;

  constructor(
    private readonly downstream: Downstream,
    @Inject(APP_ENV) env: GatewayEnv,
  ) {
    super();
    this.cache = new DecisionCache(env.POLICY_CACHE_TTL_MS, env.POLICY_CACHE_MAX, Date.now, {
      ms: env.POLICY_STALE_IF_UNAVAILABLE_MS,
      unavailable: (err) =>
        err instanceof DomainError && (err.code === ErrorCode.SERVICE_UNAVAILABLE || err.code === ErrorCode.UPSTREAM_TIMEOUT),
    });
  }

  async decide(principal: Principal, tenant: GatewayTenant, query: PolicyQuery): Promise<PolicyVerdict> {
    // Everything the decision can depend on is in the key, so two callers never share a verdict wrongly.
    const key = JSON.stringify([
      principal.id,
      principal.roles,
      principal.tenants,
      tenant.id,
      tenant.status,
      tenant.tier,
      query.resource.type,
      query.resource.id ?? null,
      query.action,
    ]);
    const verdict = await this.cache.get(key, async () => {
      const request: DecisionEvaluateRequest = {
        subject: { id: principal.id, roles: [...principal.roles], tenants: [...principal.tenants] },
        tenantId: tenant.id,
        resource: query.resource,
        action: query.action,
        context: { tenantStatus: tenant.status, tenantTier: tenant.tier },
      };
      const reply = await this.downstream.call('mcp-policy-proxy', DecisionEvaluate, request);
      return { allow: reply.allow, reason: reply.reason };
    });
    decisions.inc({ allow: String(verdict.allow) });
    return verdict;
  }

  invalidate(): void {
    this.cache.clear();
  }
}

/** Every replica hears every policy change (events are not queue-grouped) and drops its cache. */
@Controller()
export class PolicyEventsController {
  constructor(private readonly policy: PolicyService) {}

  @EventPattern<string>(PolicyChanged.subject)
  onPolicyChanged(): void {
    this.policy.invalidate();
  }
}
