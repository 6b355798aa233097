// Ingest throughput of mcp-tracehub: OTLP/HTTP protobuf batches of 512 spans against the real app
// (child process pinned to one CPU) writing to its own database, until every accepted span is stored.
// All batches are encoded before timing starts, then sent with `concurrency` requests in flight; the
// clock stops when Postgres holds every accepted span. Reports spans/s over that wall time and per
// CPU-second of the hub process, and checks that none was lost.
//
//   npm run build && node dist/bench/tracehub/ingest-bench.js [batches=300] [concurrency=8]
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { Agent, request } from 'node:http';
import { ExportTraceServiceRequest } from '../../apps/mcp-tracehub/src/otlp/otlp-schema.js';
import { createTestDatabase, startApp, testNamespace } from '#testing';

const batches = Number(process.argv[2] ?? 300);
const concurrency = Number(process.argv[3] ?? 8);
const BATCH = 512;

function kv(key: string, value: string | number | boolean) {
  if (typeof value === 'string') return { key, value: { stringValue: value } };
  if (typeof value === 'boolean') return { key, value: { boolValue: value } };
  return { key, value: Number.isInteger(value) ? { intValue: value } : { doubleValue: value } };
}

/** One export request: 512 spans in traces of 8, shaped like an instrumented HTTP service's output. */
function encodeBatch(): Buffer {
  const now = BigInt(Date.now()) * 1_000_000n;
  const spans = [];
  for (let i = 0; i < BATCH; i++) {
    const start = now - BigInt(i) * 1_000_000n;
    spans.push({
      traceId: randomBytes(16),
      spanId: randomBytes(8),
      parentSpanId: i % 8 === 0 ? undefined : randomBytes(8),
      name: `GET /api/items/{id} ${i % 20}`,
      kind: i % 8 === 0 ? 2 : 3,
      startTimeUnixNano: start,
      endTimeUnixNano: start + BigInt(1_000_000 + i * 1000),
      attributes: [
        kv('http.request.method', 'GET'),
        kv('http.route', '/api/items/{id}'),
        kv('http.response.status_code', i % 50 === 0 ? 500 : 200),
        kv('url.path', `/api/items/${i}`),
        kv('server.address', 'items.internal'),
        kv('network.protocol.version', '1.1'),
        kv('tenant.id', `tenant-${i % 10}`),
        kv('retry', false),
      ],
      events: i % 5 === 0 ? [{ timeUnixNano: start + 500_000n, name: 'cache miss', attributes: [kv('key', `k${i}`)] }] : [],
      status: { code: i % 50 === 0 ? 2 : 0, message: i % 50 === 0 ? 'internal error' : '' },
    });
  }
  const resource = {
    attributes: [
      kv('service.name', 'bench-items'),
      kv('service.version', '1.4.2'),
      kv('host.name', 'bench-host-1'),
      kv('process.pid', 4242),
      kv('telemetry.sdk.name', 'opentelemetry'),
      kv('telemetry.sdk.language', 'nodejs'),
      kv('telemetry.sdk.version', '2.12.0'),
    ],
  };
  const message = ExportTraceServiceRequest.fromObject({
    resourceSpans: [{ resource, scopeSpans: [{ scope: { name: 'bench', version: '1.0.0' }, spans }] }],
  });
  return Buffer.from(ExportTraceServiceRequest.encode(message).finish());
}

function cpuSeconds(pid: number): number {
  // utime + stime of the process (all threads), in clock ticks.
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
  return (Number(fields[11]) + Number(fields[12])) / 100;
}

const namespace = testNamespace();
const database = await createTestDatabase(namespace.token);
const hub = await startApp(
  'mcp-tracehub',
  { DATABASE_URL: database.url, NATS_SUBJECT_PREFIX: namespace.subjectPrefix, OTLP_PORT: '0', ADMIN_PORT: '0' },
  { timeoutMs: 120_000 },
);
try {
  execFileSync('taskset', ['-a', '-cp', '1', String(hub.pid)], { stdio: 'ignore' });
  const otlpPort = Number(/"otlpPort":(\d+)/.exec(hub.output())?.[1] ?? NaN);
  const pending = Array.from({ length: batches }, encodeBatch);
  // A 503 is retried with the same body after a pause, as an exporter would.
  const agent = new Agent({ keepAlive: true, maxSockets: concurrency });
  let accepted = 0;
  let refused = 0;
  let failed = 0;
  const post = (body: Buffer) =>
    new Promise<number>((resolve, reject) => {
      const req = request(
        {
          port: otlpPort,
          path: '/v1/traces',
          method: 'POST',
          agent,
          headers: { 'content-type': 'application/x-protobuf', 'content-length': body.length },
        },
        (res) => {
          res.resume();
          res.on('end', () => resolve(res.statusCode ?? 0));
        },
      );
      req.on('error', reject);
      req.end(body);
    });

  const cpuBefore = cpuSeconds(hub.pid);
  const started = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      for (let body = pending.pop(); body; body = pending.pop()) {
        const status = await post(body);
        if (status === 200) accepted += BATCH;
        else if (status === 503) {
          refused += BATCH;
          pending.push(body);
          await new Promise((r) => setTimeout(r, 50));
        } else failed++;
      }
    }),
  );
  const sentDone = performance.now();
  let stored = 0;
  for (;;) {
    const { rows } = await database.query<{ n: string }>('SELECT count(*) AS n FROM tracehub.spans');
    stored = Number(rows[0]!.n);
    if (stored >= accepted || performance.now() - sentDone > 120_000) break;
    await new Promise((r) => setTimeout(r, 200));
  }
  const drained = performance.now();
  const cpu = cpuSeconds(hub.pid) - cpuBefore;
  const wall = (drained - started) / 1000;
  console.log(
    JSON.stringify(
      {
        batchSize: BATCH,
        concurrency,
        sendSeconds: (sentDone - started) / 1000,
        drainSeconds: (drained - sentDone) / 1000,
        acceptedSpans: accepted,
        storedSpans: stored,
        lost: accepted - stored,
        refused503Spans: refused,
        otherFailures: failed,
        spansPerSecondWall: Math.round(stored / wall),
        hubCpuSeconds: cpu,
        spansPerCpuSecond: Math.round(stored / cpu),
      },
      null,
      2,
    ),
  );
  agent.destroy();
} finally {
  await hub.stop();
  await database.drop();
}
