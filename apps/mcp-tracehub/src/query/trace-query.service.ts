import { Inject, Injectable } from '@nestjs/common';
import {
  DomainError,
  ErrorCode,
  type JaegerDependencyLink,
  type JaegerOperation,
  type JaegerTrace,
  type RedSummary,
  type TracehubCaller,
} from '#contracts';
import { PLATFORM_ADMIN_ROLE } from '#auth';
import { parseTenantId } from '#tenancy';
import { SPAN_KIND_NAMES } from '../otlp/span-record.js';
import { SpanStore } from '../storage/span-store.js';
import { toJaegerTraces } from './jaeger-mapper.js';
import { ALL_TENANTS, type SpanScope, tenantScope } from './scope.js';
import {
  type MetricsQuery,
  QueryParamError,
  type RawParams,
  parseDependencyWindow,
  parseMetricsQuery,
  parseTraceSearch,
} from './search-params.js';
import { normalizeTraceId } from '../storage/span-store.js';

/** A NATS caller's scope: its tenant, or every tenant for a platform admin without one. */
export function scopeOfCaller(caller: TracehubCaller): SpanScope {
  if (caller.tenantId !== undefined) return tenantScope(parseTenantId(caller.tenantId));
  if (caller.roles.includes(PLATFORM_ADMIN_ROLE)) return ALL_TENANTS;
  throw new DomainError(ErrorCode.TENANT_REQUIRED, 'Reading traces needs a tenant or the platform-admin role');
}

function badParam(error: unknown): never {
  if (error instanceof QueryParamError) {
    throw new DomainError(ErrorCode.VALIDATION_FAILED, error.message, { param: error.param });
  }
  throw error;
}

const KIND_NUMBER = Object.fromEntries(SPAN_KIND_NAMES.map((name, i) => [name, i])) as Record<string, number>;

/** The read side shared by the Jaeger HTTP API and the NATS handlers. */
@Injectable()
export class TraceQueryService {
  constructor(@Inject(SpanStore) private readonly store: SpanStore) {}

  async trace(scope: SpanScope, rawId: string): Promise<JaegerTrace> {
    const traceId = normalizeTraceId(rawId);
    if (!traceId) throw new DomainError(ErrorCode.VALIDATION_FAILED, 'trace id must be 1-32 hex digits', { param: 'traceID' });
    const [trace] = toJaegerTraces(await this.store.trace(scope, traceId));
    // A trace outside the caller's scope is reported exactly like a missing one.
    if (!trace) throw new DomainError(ErrorCode.NOT_FOUND, 'trace not found');
    return trace;
  }

  async search(scope: SpanScope, params: RawParams): Promise<JaegerTrace[]> {
    let search;
    try {
      search = parseTraceSearch(params, Date.now() * 1000);
    } catch (error) {
      badParam(error);
    }
    const ids = await this.store.findTraceIds(scope, search);
    return toJaegerTraces(await this.store.traces(scope, ids));
  }

  services(scope: SpanScope): Promise<string[]> {
    return this.store.services(scope);
  }

  async operations(scope: SpanScope, service: string, spanKind: string | undefined): Promise<JaegerOperation[]> {
    let kind: number | null = null;
    if (spanKind) {
      kind = KIND_NUMBER[spanKind.toLowerCase()] ?? null;
      if (kind === null) throw new DomainError(ErrorCode.VALIDATION_FAILED, `unknown spanKind '${spanKind}'`, { param: 'spanKind' });
    }
    const rows = await this.store.operations(scope, service, kind);
    return rows.map((r) => ({ name: r.name, spanKind: r.kind === 0 ? '' : (SPAN_KIND_NAMES[r.kind] ?? '') }));
  }

  async dependencies(scope: SpanScope, params: RawParams): Promise<JaegerDependencyLink[]> {
    let window;
    try {
      window = parseDependencyWindow(params, Date.now());
    } catch (error) {
      badParam(error);
    }
    return this.store.dependencies(scope, window.fromUs, window.toUs);
  }

  metricsQuery(params: RawParams): MetricsQuery {
    try {
      return parseMetricsQuery(params, Date.now());
    } catch (error) {
      badParam(error);
    }
  }

  red(scope: SpanScope, query: MetricsQuery) {
    return this.store.red(scope, query);
  }

  async redSummary(
    scope: SpanScope,
    service: string | null,
    groupByOperation: boolean,
    endMs: number,
    lookbackMs: number,
  ): Promise<RedSummary[]> {
    const rows = await this.store.redSummary(scope, service, groupByOperation, (endMs - lookbackMs) * 1000, endMs * 1000);
    const seconds = lookbackMs / 1000;
    const ms = (us: number | null) => (us === null ? null : us / 1000);
    return rows.map((r) => ({
      service: r.service,
      operation: r.operation,
      rate: r.calls / seconds,
      errors: r.errors,
      errorRate: r.calls ? r.errors / r.calls : 0,
      p50Ms: ms(r.p50Us),
      p95Ms: ms(r.p95Us),
      p99Ms: ms(r.p99Us),
    }));
  }
}
