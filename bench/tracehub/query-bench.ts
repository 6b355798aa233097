// Query latency of mcp-tracehub with 10 million spans stored: trace-by-id and search through the
// Jaeger HTTP API of the real app, one request at a time, p50/p99. The spans are generated in SQL
// (generate_series) into a dedicated database that is dropped at the end.
//
//   npm run build && node dist/bench/tracehub/query-bench.js [spans=10000000]
import { createTestDatabase, startApp, testNamespace } from '#testing';

const SPANS = Number(process.argv[2] ?? 10_000_000);
const CHUNK = 1_000_000;
const SPANS_PER_TRACE = 10;
const TRACES = SPANS / SPANS_PER_TRACE;
/** Traces are spread over the last four days (inside the default retention). */
const SPREAD_MS = 4 * 86_400_000;
const STEP_MS = SPREAD_MS / TRACES;
const TOKEN = 'bench-query-token-0123456789';

const namespace = testNamespace();
const database = await createTestDatabase(namespace.token);
const hub = await startApp(
  'mcp-tracehub',
  {
    DATABASE_URL: database.url,
    NATS_SUBJECT_PREFIX: namespace.subjectPrefix,
    OTLP_PORT: '0',
    ADMIN_PORT: '0',
    TRACEHUB_QUERY_TOKEN: TOKEN,
  },
  { timeoutMs: 120_000 },
);

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))]!;
}

async function measure(name: string, paths: string[], tenant?: string) {
  const headers: Record<string, string> = { authorization: `Bearer ${TOKEN}` };
  if (tenant) headers['x-tenant-id'] = tenant;
  for (const path of paths.slice(0, 10)) await (await fetch(hub.url + path, { headers })).arrayBuffer();
  const times: number[] = [];
  let spans = 0;
  for (const path of paths) {
    const t = performance.now();
    const res = await fetch(hub.url + path, { headers });
    const body = (await res.json()) as { data: Array<{ spans?: unknown[] }> | null };
    times.push(performance.now() - t);
    if (res.status !== 200) throw new Error(`${name}: ${path} answered ${res.status}`);
    spans += body.data?.reduce((n, item) => n + (item.spans?.length ?? 0), 0) ?? 0;
  }
  times.sort((a, b) => a - b);
  return {
    query: name,
    requests: paths.length,
    p50Ms: +percentile(times, 0.5).toFixed(1),
    p99Ms: +percentile(times, 0.99).toFixed(1),
    avgSpansReturned: Math.round(spans / paths.length),
  };
}

try {
  const loadStarted = performance.now();
  const nowMs = Date.now();
  for (let from = 0; from < SPANS; from += CHUNK) {
    await database.query(
      `INSERT INTO tracehub.spans (start_time, trace_id, span_id, parent_span_id, tenant_id, service, operation, kind,
         duration_us, status_code, status_message, attributes, resource)
       SELECT to_timestamp($1::float8 / 1000) - ((g / ${SPANS_PER_TRACE}) * $2::float8) * interval '1 millisecond' + (g % ${SPANS_PER_TRACE}) * interval '1 millisecond',
         decode(md5('t' || (g / ${SPANS_PER_TRACE})), 'hex'),
         substring(decode(md5('s' || g), 'hex') from 1 for 8),
         CASE WHEN g % ${SPANS_PER_TRACE} = 0 THEN NULL ELSE substring(decode(md5('s' || (g - g % ${SPANS_PER_TRACE})), 'hex') from 1 for 8) END,
         'tenant-' || ((g / ${SPANS_PER_TRACE}) % 50),
         'svc-' || (g % ${SPANS_PER_TRACE}),
         'op-' || ((g / ${SPANS_PER_TRACE}) % 20),
         CASE WHEN g % ${SPANS_PER_TRACE} = 0 THEN 2 ELSE 3 END,
         1000 + (g * 7919) % 500000,
         CASE WHEN g % 97 = 0 THEN 2 ELSE 0 END,
         CASE WHEN g % 97 = 0 THEN 'upstream failed' END,
         jsonb_build_object('http.route', '/api/r' || (g % 20), 'http.response.status_code', CASE WHEN g % 97 = 0 THEN 500 ELSE 200 END,
           'tenant.id', 'tenant-' || ((g / ${SPANS_PER_TRACE}) % 50)),
         jsonb_build_object('service.name', 'svc-' || (g % ${SPANS_PER_TRACE}), 'host.name', 'host-' || (g % 3))
       FROM generate_series($3::bigint, $4::bigint) AS g`,
      [nowMs, STEP_MS, from, Math.min(SPANS, from + CHUNK) - 1],
    );
    process.stderr.write(
      `loaded ${Math.min(SPANS, from + CHUNK)} spans after ${((performance.now() - loadStarted) / 1000).toFixed(0)} s\n`,
    );
  }
  await database.query(
    `INSERT INTO tracehub.operations (tenant_id, service, operation, kind, last_seen)
     SELECT DISTINCT tenant_id, service, operation, kind, now() FROM tracehub.spans WHERE start_time > now() - interval '1 hour'`,
  );
  await database.query('ANALYZE tracehub.spans');
  const loadSeconds = (performance.now() - loadStarted) / 1000;
  const { rows } = await database.query<{ n: string; size: string }>(
    `SELECT (SELECT count(*) FROM tracehub.spans) AS n, pg_size_pretty(pg_database_size(current_database())) AS size`,
  );
  const { rows: sample } = await database.query<{ id: string }>(
    `SELECT encode(decode(md5('t' || t), 'hex'), 'hex') AS id FROM (SELECT (random() * ${TRACES - 1})::bigint AS t FROM generate_series(1, 300)) s`,
  );
  const ids = sample.map((row) => row.id);
  // Trace t belongs to tenant-(t % 50): these are tenant-7's.
  const { rows: tenantSample } = await database.query<{ id: string }>(
    `SELECT encode(decode(md5('t' || (t * 50 + 7)), 'hex'), 'hex') AS id
     FROM (SELECT (random() * ${Math.floor(TRACES / 50) - 1})::bigint AS t FROM generate_series(1, 100)) s`,
  );
  const search = (i: number) => {
    const endUs = (nowMs - Math.floor((((i * 7919) % 1000) / 1000) * (SPREAD_MS - 3_600_000))) * 1000;
    return `/api/traces?service=svc-0&operation=op-${i % 20}&start=${endUs - 3_600_000_000}&end=${endUs}&limit=20`;
  };
  const searchTags = (i: number) =>
    `/api/traces?service=svc-${i % 10}&tags=${encodeURIComponent('{"http.response.status_code":"500"}')}&limit=20&lookback=6h`;
  const results = [
    await measure(
      'trace by id (all tenants)',
      ids.slice(0, 200).map((id) => `/api/traces/${id}`),
    ),
    await measure(
      'trace by id (tenant scope, X-Tenant-ID)',
      tenantSample.map((row) => `/api/traces/${row.id}`),
      'tenant-7',
    ),
    await measure(
      'search service+operation, 1h window, limit 20',
      Array.from({ length: 100 }, (_, i) => search(i)),
    ),
    await measure(
      'search service+operation, 1h window, limit 20, tenant scope',
      Array.from({ length: 100 }, (_, i) => search(i)),
      'tenant-3',
    ),
    await measure(
      'search service+tag, 6h window, limit 20',
      Array.from({ length: 50 }, (_, i) => searchTags(i)),
    ),
    await measure(
      'services list',
      Array.from({ length: 50 }, () => '/api/services'),
    ),
  ];
  console.log(
    JSON.stringify({ spans: Number(rows[0]!.n), databaseSize: rows[0]!.size, loadSeconds: Math.round(loadSeconds), results }, null, 2),
  );
} finally {
  await hub.stop();
  await database.drop();
}
