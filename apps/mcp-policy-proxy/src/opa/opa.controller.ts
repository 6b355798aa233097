import { Body, Controller, Get, Headers, HttpCode, Post, Req } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import { DecisionEvaluateRequest, DomainError, ErrorCode } from '#contracts';
import { validatePayload } from '#messaging';
import { readModelText } from '../engine/casbin-oracle.js';
import type { DecisionInput } from '../engine/policy-index.js';
import { Decisions } from '../policy/decisions.js';
import { LivePolicy } from '../policy/live-policy.js';
import { traceIdOf } from '../policy/trace-id.js';
import { fromSeedInput, SeedAuthzInput } from './seed-input.js';

/** The OPA document this API serves, `data.mcp.authz` (seed 004 §7.1's `package mcp.authz`). */
const PACKAGE = 'mcp/authz';

interface OpaDataResponse {
  result?: unknown;
  decision_id?: string;
}

/**
 * OPA-compatible Data API (https://www.openpolicyagent.org/docs/rest-api), so OPA client
 * libraries and Envoy-style callers can ask for decisions over HTTP:
 * `POST /v1/data/mcp/authz/allow {"input": …}` → `{"result": true, "decision_id": "…"}`.
 * Documents: `mcp/authz` (the whole decision), `mcp/authz/allow`, `mcp/authz/deny` (an explicit
 * deny rule matched, the seed's `deny`), `mcp/authz/reason`. Any other path is an undefined
 * document: 200 without `result`, as OPA answers.
 */
@Controller('v1')
export class OpaController {
  private readonly model = readModelText();

  constructor(
    private readonly decisions: Decisions,
    private readonly live: LivePolicy,
  ) {}

  @Post('data/*')
  @HttpCode(200)
  async data(@Req() req: FastifyRequest, @Body() body: unknown, @Headers('traceparent') traceparent?: string): Promise<OpaDataResponse> {
    const path = decodeURIComponent(req.url.split('?')[0]!.slice('/v1/data/'.length)).replace(/\/+$/, '');
    const field = path === PACKAGE ? '' : path.startsWith(`${PACKAGE}/`) ? path.slice(PACKAGE.length + 1) : undefined;
    if (field === undefined || !['', 'allow', 'deny', 'reason'].includes(field)) return {};
    const input = await parseInput(body);
    const d = this.decisions.decide(input, traceIdOf(traceparent));
    const deny = !d.allow && d.matchedRule !== undefined;
    const whole = { allow: d.allow, deny, reason: d.reason, matched_rule: d.matchedRule ?? null, policy_version: d.policyVersion };
    const result = field === '' ? whole : field === 'allow' ? d.allow : field === 'deny' ? deny : d.reason;
    return { result, decision_id: d.decisionId };
  }

  /** What is loaded: the casbin model module and the size and version of the policy held. */
  @Get('policies')
  policies(): { result: unknown[] } {
    return {
      result: [
        {
          id: 'model/rbac_with_domains_abac.conf',
          raw: this.model,
          package: PACKAGE.replace('/', '.'),
          policy_version: this.live.version,
          rules: this.live.index.ruleCount,
          bindings: this.live.index.bindingCount,
        },
      ],
    };
  }
}

async function parseInput(body: unknown): Promise<DecisionInput> {
  const input = typeof body === 'object' && body !== null ? (body as { input?: unknown }).input : undefined;
  if (typeof input !== 'object' || input === null || Array.isArray(input)) {
    throw new DomainError(ErrorCode.VALIDATION_FAILED, 'Body must be {"input": {...}}', {
      violations: [{ path: 'input', message: 'must be an object' }],
    });
  }
  return 'subject' in input ? validatePayload(DecisionEvaluateRequest, input) : fromSeedInput(await validatePayload(SeedAuthzInput, input));
}
