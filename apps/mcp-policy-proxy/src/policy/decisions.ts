import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import type { DecisionEvaluateReply } from '#contracts';
import { parseTenantId } from '#tenancy';
import { DecisionAudit } from '../audit/decision-audit.js';
import type { Decision, DecisionInput } from '../engine/policy-index.js';
import { LivePolicy } from './live-policy.js';
import { decisionsTotal } from './metrics.js';
import { TenantFacts } from './tenant-facts.js';

const DELETED: Decision = Object.freeze({ allow: false, reason: 'tenant_deleted' });

/**
 * One decision: evaluate in memory, log it off the request path, count it. Where mcp-config knows
 * the tenant, its status and tier replace whatever the caller put in the context; a deleted
 * tenant is denied before any rule is consulted.
 */
@Injectable()
export class Decisions {
  constructor(
    private readonly live: LivePolicy,
    private readonly audit: DecisionAudit,
    private readonly tenants: TenantFacts,
  ) {}

  decide(request: DecisionInput, traceId: string | null): DecisionEvaluateReply {
    parseTenantId(request.tenantId);
    const started = process.hrtime.bigint();
    const facts = this.tenants.of(request.tenantId);
    const input = facts ? { ...request, context: { ...request.context, tenantStatus: facts.status, tenantTier: facts.tier } } : request;
    const decision = facts?.status === 'deleted' ? DELETED : this.live.index.evaluate(input);
    const latencyUs = Math.ceil(Number(process.hrtime.bigint() - started) / 1000);
    const decisionId = randomUUID();
    this.audit.record(decisionId, input, decision, latencyUs, traceId);
    decisionsTotal.inc({ allow: String(decision.allow), reason: decision.reason });
    return {
      allow: decision.allow,
      reason: decision.reason,
      ...(decision.matchedRule ? { matchedRule: decision.matchedRule } : {}),
      decisionId,
      policyVersion: this.live.version,
    };
  }
}
