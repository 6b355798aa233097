import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import type { DecisionEvaluateReply } from '#contracts';
import { parseTenantId } from '#tenancy';
import { DecisionAudit } from '../audit/decision-audit.js';
import type { DecisionInput } from '../engine/policy-index.js';
import { LivePolicy } from './live-policy.js';
import { decisionsTotal } from './metrics.js';

/** One decision: evaluate in memory, log it off the request path, count it. */
@Injectable()
export class Decisions {
  constructor(
    private readonly live: LivePolicy,
    private readonly audit: DecisionAudit,
  ) {}

  decide(input: DecisionInput, traceId: string | null): DecisionEvaluateReply {
    parseTenantId(input.tenantId);
    const started = process.hrtime.bigint();
    const decision = this.live.index.evaluate(input);
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
