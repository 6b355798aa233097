import { createHash, timingSafeEqual } from 'node:crypto';
import { Controller, Get, Inject, Param, Query, Req, Res } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { DomainError, ErrorCode, httpStatusFor } from '#contracts';
import { APP_ENV } from '#env';
import { parseTenantId } from '#tenancy';
import type { TracehubEnv } from '../env.js';
import { envelope } from './jaeger-mapper.js';
import { ALL_TENANTS, type SpanScope, tenantScope } from './scope.js';
import type { RawParams } from './search-params.js';
import { TraceQueryService } from './trace-query.service.js';
import type { RedPoint } from '../storage/span-store.js';

/**
 * The Jaeger query API on the app port, for operators and their tools (Jaeger UI, Grafana). It is not
 * the tenants' door: tenants read traces through the gateway, which calls the NATS subjects with the
 * principal it verified. Here the caller proves it is an operator with the shared query token
 * (`Authorization: Bearer $TRACEHUB_QUERY_TOKEN`); `X-Tenant-ID` narrows the view to one tenant (a
 * per-tenant Grafana data source), and without it every tenant's spans are visible.
 */
@Controller('api')
export class JaegerApiController {
  private readonly tokenDigest: Buffer | null;

  constructor(
    @Inject(TraceQueryService) private readonly traces: TraceQueryService,
    @Inject(APP_ENV) env: TracehubEnv,
  ) {
    this.tokenDigest = env.TRACEHUB_QUERY_TOKEN ? digest(env.TRACEHUB_QUERY_TOKEN) : null;
  }

  @Get('services')
  services(@Req() req: FastifyRequest, @Res() reply: FastifyReply): Promise<void> {
    return this.respond(req, reply, (scope) => this.traces.services(scope));
  }

  @Get('services/:service/operations')
  serviceOperations(@Req() req: FastifyRequest, @Res() reply: FastifyReply, @Param('service') service: string): Promise<void> {
    return this.respond(req, reply, async (scope) => (await this.traces.operations(scope, service, undefined)).map((o) => o.name));
  }

  @Get('operations')
  operations(@Req() req: FastifyRequest, @Res() reply: FastifyReply, @Query() query: RawParams): Promise<void> {
    return this.respond(req, reply, (scope) => {
      const service = typeof query['service'] === 'string' ? query['service'] : '';
      if (!service) throw new DomainError(ErrorCode.VALIDATION_FAILED, `parameter 'service' is required`, { param: 'service' });
      return this.traces.operations(scope, service, typeof query['spanKind'] === 'string' ? query['spanKind'] : undefined);
    });
  }

  @Get('traces')
  search(@Req() req: FastifyRequest, @Res() reply: FastifyReply, @Query() query: RawParams): Promise<void> {
    return this.respond(req, reply, (scope) => this.traces.search(scope, query));
  }

  @Get('traces/:traceId')
  trace(@Req() req: FastifyRequest, @Res() reply: FastifyReply, @Param('traceId') traceId: string): Promise<void> {
    return this.respond(req, reply, async (scope) => [await this.traces.trace(scope, traceId)]);
  }

  @Get('dependencies')
  dependencies(@Req() req: FastifyRequest, @Res() reply: FastifyReply, @Query() query: RawParams): Promise<void> {
    return this.respond(req, reply, (scope) => this.traces.dependencies(scope, query));
  }

  /** RED summary per service (and operation): rate, errors, p50/p95/p99 over `lookback` ms before `endTs`. */
  @Get('metrics/red')
  red(@Req() req: FastifyRequest, @Res() reply: FastifyReply, @Query() query: RawParams): Promise<void> {
    return this.respond(req, reply, (scope) => {
      const endTs = Number(query['endTs'] ?? Date.now());
      const lookback = Number(query['lookback'] ?? 3_600_000);
      if (!Number.isSafeInteger(endTs) || !Number.isSafeInteger(lookback) || lookback < 1000 || lookback > 7 * 86_400_000) {
        throw new DomainError(ErrorCode.VALIDATION_FAILED, `'endTs' and 'lookback' must be milliseconds (lookback 1s..7d)`);
      }
      const service = typeof query['service'] === 'string' && query['service'] ? query['service'] : null;
      return this.traces.redSummary(scope, service, query['groupByOperation'] === 'true', endTs, lookback);
    });
  }

  /** Jaeger's metrics API (what the UI's Monitor tab reads): calls/s, error ratio, latency quantile. */
  @Get('metrics/:metric')
  metrics(
    @Req() req: FastifyRequest,
    @Res() reply: FastifyReply,
    @Param('metric') metric: string,
    @Query() query: RawParams,
  ): Promise<void> {
    return this.respondRaw(req, reply, async (scope) => {
      if (metric === 'minstep') return { unit: 'milliseconds', minStep: 1000 };
      if (metric !== 'calls' && metric !== 'errors' && metric !== 'latencies') {
        throw new DomainError(ErrorCode.NOT_FOUND, `unknown metric '${metric}'`);
      }
      const q = this.traces.metricsQuery(query);
      return metricFamily(metric, q.groupByOperation, q.stepMs, await this.traces.red(scope, q));
    });
  }

  private scopeOf(req: FastifyRequest): SpanScope {
    const auth = req.headers.authorization ?? '';
    const token = auth.startsWith('Bearer ') ? auth.slice(7) : '';
    if (!this.tokenDigest) throw new DomainError(ErrorCode.FORBIDDEN, 'The HTTP query API is disabled (no TRACEHUB_QUERY_TOKEN)');
    if (!token || !timingSafeEqual(digest(token), this.tokenDigest)) {
      throw new DomainError(ErrorCode.UNAUTHENTICATED, 'A valid operator bearer token is required');
    }
    const tenant = req.headers['x-tenant-id'];
    return tenant === undefined ? ALL_TENANTS : tenantScope(parseTenantId(Array.isArray(tenant) ? tenant[0] : tenant));
  }

  private respond<T>(req: FastifyRequest, reply: FastifyReply, fn: (scope: SpanScope) => Promise<T> | T): Promise<void> {
    return this.respondRaw(req, reply, async (scope) => envelope(await fn(scope)));
  }

  /**
   * Errors keep Jaeger's envelope (`errors: [{ code, msg }]`, which the UI displays) and carry the
   * platform's typed error beside it; anything else goes to the platform filter as a 500.
   */
  private async respondRaw(req: FastifyRequest, reply: FastifyReply, fn: (scope: SpanScope) => Promise<unknown>): Promise<void> {
    try {
      const body = await fn(this.scopeOf(req));
      await reply.status(200).send(body);
    } catch (error) {
      if (!(error instanceof DomainError)) throw error;
      const status = httpStatusFor(error.code);
      await reply.status(status).send({
        data: null,
        total: 0,
        limit: 0,
        offset: 0,
        errors: [{ code: status, msg: error.message }],
        error: error.toBody(),
        requestId: req.id,
      });
    }
  }
}

function digest(value: string): Buffer {
  return createHash('sha256').update(value).digest();
}

const METRIC_NAMES = { calls: 'call_rate', errors: 'error_rate', latencies: 'latencies' } as const;

function metricFamily(metric: 'calls' | 'errors' | 'latencies', byOperation: boolean, stepMs: number, points: RedPoint[]) {
  const series = new Map<string, { labels: Array<{ name: string; value: string }>; metricPoints: unknown[] }>();
  for (const point of points) {
    const key = `${point.service}\u0000${point.operation ?? ''}`;
    let entry = series.get(key);
    if (!entry) {
      const labels = [{ name: 'service_name', value: point.service }];
      if (byOperation) labels.push({ name: 'operation', value: point.operation ?? '' });
      entry = { labels, metricPoints: [] };
      series.set(key, entry);
    }
    const value =
      metric === 'calls'
        ? point.calls / (stepMs / 1000)
        : metric === 'errors'
          ? point.calls
            ? point.errors / point.calls
            : 0
          : point.latencyMs;
    entry.metricPoints.push({ gaugeValue: { doubleValue: value ?? 0 }, timestamp: new Date(point.bucketMs).toISOString() });
  }
  return {
    name: `service_${byOperation ? 'operation_' : ''}${METRIC_NAMES[metric]}`,
    type: 'GAUGE',
    help: `${METRIC_NAMES[metric].replace('_', ' ')} per ${byOperation ? 'operation' : 'service'}`,
    metrics: [...series.values()],
  };
}
