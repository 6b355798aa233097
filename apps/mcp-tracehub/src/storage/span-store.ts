import type { SpanRecord } from '../otlp/span-record.js';
import { type SpanScope, SqlParams, scopePredicate } from '../query/scope.js';
import type { MetricsQuery, TraceSearch } from '../query/search-params.js';
import type { SpanSink } from '../ingest/span-queue.js';

/** The one thing the store needs from a database connection: parameterized statements returning rows. */
export interface Sql {
  query<T = Record<string, unknown>>(text: string, params?: unknown[]): Promise<T[]>;
}

export interface OperationRow {
  name: string;
  kind: number;
}

export interface DependencyLink {
  parent: string;
  child: string;
  callCount: number;
}

export interface RedRow {
  service: string;
  operation: string | null;
  calls: number;
  errors: number;
  p50Us: number | null;
  p95Us: number | null;
  p99Us: number | null;
}

export interface RedPoint {
  service: string;
  operation: string | null;
  bucketMs: number;
  calls: number;
  errors: number;
  latencyMs: number | null;
}

// Column list shared by the writer's json_to_recordset definition and the INSERT; short keys keep the
// JSON the hub builds per batch small (it is most of the ingest CPU next to protobuf decoding).
const RECORDSET = `t text, tr text, s text, p text, sv text, op text, k smallint, st bigint, d bigint,
  sc smallint, sm text, a jsonb, rs jsonb, ev jsonb, ln jsonb, sn text, svn text, ts text, f integer`;

const INSERT_SPANS = `
WITH r AS (SELECT * FROM json_to_recordset($1::json) AS r(${RECORDSET})),
spans AS (
  INSERT INTO tracehub.spans (start_time, trace_id, span_id, parent_span_id, tenant_id, service, operation, kind,
    duration_us, status_code, status_message, attributes, resource, events, links, scope_name, scope_version,
    trace_state, flags)
  SELECT timestamptz 'epoch' + st * interval '1 microsecond', decode(tr, 'hex'), decode(s, 'hex'), decode(p, 'hex'),
    t, sv, op, k, d, sc, sm, a, rs, ev, ln, sn, svn, ts, f
  FROM r
  ON CONFLICT DO NOTHING
)
INSERT INTO tracehub.operations (tenant_id, service, operation, kind, last_seen)
SELECT o.t, o.sv, o.op, o.k, timestamptz 'epoch' + o.st * interval '1 microsecond'
FROM json_to_recordset($2::json) AS o(t text, sv text, op text, k smallint, st bigint)
ON CONFLICT (tenant_id, service, operation, kind) DO UPDATE SET last_seen = GREATEST(tracehub.operations.last_seen, EXCLUDED.last_seen)`;

const SPAN_COLUMNS = `encode(trace_id, 'hex') AS trace_id, encode(span_id, 'hex') AS span_id,
  encode(parent_span_id, 'hex') AS parent_span_id, tenant_id, service, operation, kind,
  (extract(epoch FROM start_time) * 1000000)::bigint AS start_us, duration_us, status_code, status_message,
  attributes, resource, events, links, scope_name, scope_version, trace_state, flags`;

interface SpanRow {
  trace_id: string;
  span_id: string;
  parent_span_id: string | null;
  tenant_id: string | null;
  service: string;
  operation: string;
  kind: number;
  start_us: string | number;
  duration_us: string | number;
  status_code: number;
  status_message: string | null;
  attributes: SpanRecord['attributes'];
  resource: SpanRecord['resource'];
  events: SpanRecord['events'] | null;
  links: SpanRecord['links'] | null;
  scope_name: string | null;
  scope_version: string | null;
  trace_state: string | null;
  flags: number;
}

function toRecord(row: SpanRow): SpanRecord {
  return {
    tenantId: row.tenant_id,
    traceId: row.trace_id,
    spanId: row.span_id,
    parentSpanId: row.parent_span_id,
    service: row.service,
    operation: row.operation,
    kind: row.kind,
    startUs: Number(row.start_us),
    durationUs: Number(row.duration_us),
    statusCode: row.status_code,
    statusMessage: row.status_message,
    attributes: row.attributes,
    resource: row.resource,
    events: row.events ?? [],
    links: row.links ?? [],
    scopeName: row.scope_name,
    scopeVersion: row.scope_version,
    traceState: row.trace_state,
    flags: row.flags,
  };
}

const TRACE_ID = /^[0-9a-f]{32}$/;

/** Jaeger accepts ids without leading zeros (64-bit ids too); stored ids are 16 bytes. */
export function normalizeTraceId(id: string): string | null {
  const hex = id.toLowerCase();
  if (!/^[0-9a-f]{1,32}$/.test(hex)) return null;
  const padded = hex.padStart(32, '0');
  return TRACE_ID.test(padded) && !/^0+$/.test(padded) ? padded : null;
}

const SEARCH_PAGE_MIN = 200;
const SEARCH_MAX_PAGES = 20;

export class SpanStore implements SpanSink {
  // Operations this process already recorded, with the hour it did; re-recorded once an hour so
  // last_seen stays meaningful without an upsert per span.
  private readonly seenOperations = new Map<string, number>();

  constructor(private readonly sql: Sql) {}

  async write(batch: SpanRecord[]): Promise<void> {
    // Spans of one export share their resource object: serialize it once, not once per span.
    const resources = new Map<object, string>();
    const rows = batch.map((s) => {
      let resource = resources.get(s.resource);
      if (resource === undefined) {
        resource = JSON.stringify(s.resource);
        resources.set(s.resource, resource);
      }
      const row = JSON.stringify({
        t: s.tenantId,
        tr: s.traceId,
        s: s.spanId,
        p: s.parentSpanId,
        sv: s.service,
        op: s.operation,
        k: s.kind,
        st: s.startUs,
        d: s.durationUs,
        sc: s.statusCode,
        sm: s.statusMessage,
        a: s.attributes,
        ev: s.events.length ? s.events : null,
        ln: s.links.length ? s.links : null,
        sn: s.scopeName,
        svn: s.scopeVersion,
        ts: s.traceState,
        f: s.flags,
      });
      return `${row.slice(0, -1)},"rs":${resource}}`;
    });
    const hour = Math.floor(Date.now() / 3_600_000);
    const operations = new Map<string, { t: string; sv: string; op: string; k: number; st: number }>();
    for (const s of batch) {
      const key = `${s.tenantId ?? ''}\u0000${s.service}\u0000${s.operation}\u0000${s.kind}`;
      if (this.seenOperations.get(key) === hour) continue;
      const known = operations.get(key);
      if (!known || known.st < s.startUs) {
        operations.set(key, { t: s.tenantId ?? '', sv: s.service, op: s.operation, k: s.kind, st: s.startUs });
      }
    }
    await this.sql.query(INSERT_SPANS, [`[${rows.join(',')}]`, JSON.stringify([...operations.values()])]);
    for (const key of operations.keys()) this.seenOperations.set(key, hour);
  }

  async trace(scope: SpanScope, traceId: string): Promise<SpanRecord[]> {
    return this.traces(scope, [traceId]);
  }

  async traces(scope: SpanScope, traceIds: string[]): Promise<SpanRecord[]> {
    if (traceIds.length === 0) return [];
    const params = new SqlParams();
    const ids = params.add(traceIds.map((id) => `\\x${id}`));
    const rows = await this.sql.query<SpanRow>(
      `SELECT ${SPAN_COLUMNS} FROM tracehub.spans
       WHERE trace_id = ANY(${ids}::bytea[]) AND ${scopePredicate(scope, params)}
       ORDER BY start_time`,
      params.values,
    );
    return rows.map(toRecord);
  }

  /**
   * Ids of the most recent traces with a span matching the search. Matching spans are walked newest
   * first through the (service[, operation], start_time) index a page at a time until `limit` distinct
   * traces are found, so the cost follows the limit rather than the number of matching spans.
   */
  async findTraceIds(scope: SpanScope, search: TraceSearch): Promise<string[]> {
    const found = new Set<string>();
    const pageSize = Math.max(SEARCH_PAGE_MIN, search.limit * 4);
    let beforeUs = search.endUs + 1;
    for (let page = 0; page < SEARCH_MAX_PAGES && found.size < search.limit; page++) {
      const params = new SqlParams();
      const where = [
        `service = ${params.add(search.service)}`,
        `start_time >= ${params.micros(search.startUs)}`,
        `start_time < ${params.micros(beforeUs)}`,
        scopePredicate(scope, params),
      ];
      if (search.operation !== null) where.push(`operation = ${params.add(search.operation)}`);
      if (search.minDurationUs !== null) where.push(`duration_us >= ${params.add(search.minDurationUs)}`);
      if (search.maxDurationUs !== null) where.push(`duration_us <= ${params.add(search.maxDurationUs)}`);
      for (const [key, value] of Object.entries(search.tags)) where.push(tagPredicate(key, value, params));
      const rows = await this.sql.query<{ trace_id: string; start_us: string }>(
        `SELECT encode(trace_id, 'hex') AS trace_id, (extract(epoch FROM start_time) * 1000000)::bigint AS start_us
         FROM tracehub.spans WHERE ${where.join(' AND ')}
         ORDER BY start_time DESC LIMIT ${params.add(pageSize)}`,
        params.values,
      );
      for (const row of rows) {
        if (found.size >= search.limit) break;
        found.add(row.trace_id);
      }
      if (rows.length < pageSize) break;
      beforeUs = Number(rows[rows.length - 1]!.start_us);
    }
    return [...found];
  }

  async services(scope: SpanScope): Promise<string[]> {
    const params = new SqlParams();
    const rows = await this.sql.query<{ service: string }>(
      `SELECT DISTINCT service FROM tracehub.operations WHERE ${operationsScope(scope, params)} ORDER BY service`,
      params.values,
    );
    return rows.map((r) => r.service);
  }

  async operations(scope: SpanScope, service: string, kind: number | null): Promise<OperationRow[]> {
    const params = new SqlParams();
    const where = [`service = ${params.add(service)}`, operationsScope(scope, params)];
    if (kind !== null) where.push(`kind = ${params.add(kind)}`);
    const rows = await this.sql.query<{ operation: string; kind: number }>(
      `SELECT DISTINCT operation, kind FROM tracehub.operations WHERE ${where.join(' AND ')} ORDER BY operation, kind`,
      params.values,
    );
    return rows.map((r) => ({ name: r.operation, kind: r.kind }));
  }

  /** Calls between services: a child span whose parent span belongs to a different service. */
  async dependencies(scope: SpanScope, fromUs: number, toUs: number): Promise<DependencyLink[]> {
    const params = new SqlParams();
    const from = params.micros(fromUs);
    const to = params.micros(toUs);
    const rows = await this.sql.query<{ parent: string; child: string; call_count: string }>(
      `SELECT p.service AS parent, c.service AS child, count(*) AS call_count
       FROM tracehub.spans c
       JOIN tracehub.spans p ON p.trace_id = c.trace_id AND p.span_id = c.parent_span_id
         AND p.start_time >= ${from} - interval '1 hour' AND p.start_time < ${to}
       WHERE c.start_time >= ${from} AND c.start_time < ${to} AND c.parent_span_id IS NOT NULL
         AND p.service <> c.service
         AND ${scopePredicate(scope, params, 'c.tenant_id')} AND ${scopePredicate(scope, params, 'p.tenant_id')}
       GROUP BY 1, 2 ORDER BY 1, 2`,
      params.values,
    );
    return rows.map((r) => ({ parent: r.parent, child: r.child, callCount: Number(r.call_count) }));
  }

  /** Calls, errors and the requested duration quantile per service (and operation) and time step. */
  async red(scope: SpanScope, query: MetricsQuery): Promise<RedPoint[]> {
    const params = new SqlParams();
    const from = params.micros(query.fromUs);
    const step = `${params.add(query.stepMs)}::bigint * interval '1 millisecond'`;
    const operation = query.groupByOperation ? 'operation' : 'NULL::text';
    const rows = await this.sql.query<{
      service: string;
      operation: string | null;
      bucket_ms: string;
      calls: string;
      errors: string;
      latency_us: number | null;
    }>(
      `SELECT service, ${operation} AS operation,
         (extract(epoch FROM date_bin(${step}, start_time, ${from})) * 1000)::bigint AS bucket_ms,
         count(*) AS calls, count(*) FILTER (WHERE status_code = 2) AS errors,
         percentile_cont(${params.add(query.quantile)}::float8) WITHIN GROUP (ORDER BY duration_us) AS latency_us
       FROM tracehub.spans
       WHERE service = ANY(${params.add(query.services)}::text[]) AND kind = ANY(${params.add(query.spanKinds)}::smallint[])
         AND start_time >= ${from} AND start_time < ${params.micros(query.toUs)}
         AND ${scopePredicate(scope, params)}
       GROUP BY 1, 2, 3 ORDER BY 1, 2, 3`,
      params.values,
    );
    return rows.map((r) => ({
      service: r.service,
      operation: r.operation,
      bucketMs: Number(r.bucket_ms),
      calls: Number(r.calls),
      errors: Number(r.errors),
      latencyMs: r.latency_us === null ? null : Number(r.latency_us) / 1000,
    }));
  }

  /** Calls, errors and p50/p95/p99 durations per service (and operation) over one window. */
  async redSummary(scope: SpanScope, service: string | null, groupByOperation: boolean, fromUs: number, toUs: number): Promise<RedRow[]> {
    const params = new SqlParams();
    const where = [`start_time >= ${params.micros(fromUs)}`, `start_time < ${params.micros(toUs)}`, scopePredicate(scope, params)];
    if (service !== null) where.push(`service = ${params.add(service)}`);
    const operation = groupByOperation ? 'operation' : 'NULL::text';
    const rows = await this.sql.query<{ service: string; operation: string | null; calls: string; errors: string; q: number[] | null }>(
      `SELECT service, ${operation} AS operation, count(*) AS calls, count(*) FILTER (WHERE status_code = 2) AS errors,
         percentile_cont(ARRAY[0.5, 0.95, 0.99]) WITHIN GROUP (ORDER BY duration_us) AS q
       FROM tracehub.spans WHERE ${where.join(' AND ')}
       GROUP BY 1, 2 ORDER BY 1, 2`,
      params.values,
    );
    return rows.map((r) => ({
      service: r.service,
      operation: r.operation,
      calls: Number(r.calls),
      errors: Number(r.errors),
      p50Us: r.q?.[0] ?? null,
      p95Us: r.q?.[1] ?? null,
      p99Us: r.q?.[2] ?? null,
    }));
  }
}

function operationsScope(scope: SpanScope, params: SqlParams): string {
  return scope.kind === 'all' ? 'TRUE' : `tenant_id = ${params.add(scope.tenantId)}`;
}

// Tags match span or resource attributes by their text form; "error" and "span.kind" are the synthetic
// tags Jaeger shows for OTLP status and kind, so searching by them must work too.
const KIND_TAG: Record<string, number> = { unspecified: 0, internal: 1, server: 2, client: 3, producer: 4, consumer: 5 };

function tagPredicate(key: string, value: string, params: SqlParams): string {
  if (key === 'error') return value === 'true' ? 'status_code = 2' : 'status_code <> 2';
  if (key === 'span.kind') return `kind = ${params.add(KIND_TAG[value] ?? -1)}`;
  const k = params.add(key);
  const v = params.add(value);
  return `(attributes ->> ${k} = ${v} OR resource ->> ${k} = ${v})`;
}
