import { randomUUID } from 'node:crypto';
import { Body, Controller, Get, Headers, HttpCode, Post, Req } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import { DecisionEvaluateRequest, DomainError, ErrorCode, MAX_DECISION_BATCH } from '#contracts';
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
    const field = documentField(req.url, '/v1/data/');
    if (field === undefined) return {};
    const input = await parseInput(typeof body === 'object' && body !== null ? (body as { input?: unknown }).input : undefined, 'input');
    return this.answer(field, input, traceIdOf(traceparent));
  }

  /**
   * The batch form OPA clients use (`evaluateBatch` in @styra/opa): `{"inputs": {key: input}}` →
   * `{"responses": {key: {result, decision_id}}}`, at most 1000 inputs, all valid or a 400.
   */
  @Post('batch/data/*')
  @HttpCode(200)
  async batch(
    @Req() req: FastifyRequest,
    @Body() body: unknown,
    @Headers('traceparent') traceparent?: string,
  ): Promise<{ batch_decision_id: string; responses: Record<string, OpaDataResponse> }> {
    const inputs = typeof body === 'object' && body !== null ? (body as { inputs?: unknown }).inputs : undefined;
    if (typeof inputs !== 'object' || inputs === null || Array.isArray(inputs) || Object.keys(inputs).length > MAX_DECISION_BATCH) {
      throw new DomainError(ErrorCode.VALIDATION_FAILED, `Body must be {"inputs": {...}} with at most ${MAX_DECISION_BATCH} inputs`, {
        violations: [{ path: 'inputs', message: `must be an object of at most ${MAX_DECISION_BATCH} inputs` }],
      });
    }
    const entries = await Promise.all(Object.entries(inputs).map(async ([k, v]) => [k, await parseInput(v, `inputs.${k}`)] as const));
    const field = documentField(req.url, '/v1/batch/data/');
    const traceId = traceIdOf(traceparent);
    const responses = Object.fromEntries(entries.map(([k, input]) => [k, field === undefined ? {} : this.answer(field, input, traceId)]));
    return { batch_decision_id: randomUUID(), responses };
  }

  private answer(field: string, input: DecisionInput, traceId: string | null): OpaDataResponse {
    const d = this.decisions.decide(input, traceId);
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

/** '' for the package document, 'allow' | 'deny' | 'reason' for its rules, undefined for any other path. */
function documentField(url: string, prefix: string): string | undefined {
  const path = decodeURIComponent(url.split('?')[0]!.slice(prefix.length)).replace(/\/+$/, '');
  const field = path === PACKAGE ? '' : path.startsWith(`${PACKAGE}/`) ? path.slice(PACKAGE.length + 1) : undefined;
  return field !== undefined && ['', 'allow', 'deny', 'reason'].includes(field) ? field : undefined;
}

async function parseInput(input: unknown, path: string): Promise<DecisionInput> {
  if (typeof input !== 'object' || input === null || Array.isArray(input)) {
    throw new DomainError(ErrorCode.VALIDATION_FAILED, `${path} must be an object`, {
      violations: [{ path, message: 'must be an object' }],
    });
  }
  try {
    return 'subject' in input
      ? await validatePayload(DecisionEvaluateRequest, input)
      : fromSeedInput(await validatePayload(SeedAuthzInput, input));
  } catch (err) {
    if (!(err instanceof DomainError) || path === 'input') throw err;
    const violations = (err.details?.['violations'] as { path: string; message: string }[] | undefined) ?? [];
    throw new DomainError(err.code, `Invalid ${path}`, { violations: violations.map((v) => ({ ...v, path: `${path}.${v.path}` })) });
  }
}
