// NATS round-trip decisions per second against a real mcp-policy-proxy (child process, own test
// database, decision log on), single requests with many in flight and batches.
// Usage: node dist/bench/policy/nats-roundtrip.js [seconds per scenario]
import { DecisionEvaluate, DecisionEvaluateBatch, TenantBootstrap, type DecisionEvaluateRequest } from '#contracts';
import { encodeJson, decodeJson } from '#messaging';
import { NatsTestClient, TestPlatform } from '#testing';

const seconds = Number(process.argv[2] ?? 5);
const TENANTS = 10;

const request = (i: number): DecisionEvaluateRequest => {
  const t = `t${i % TENANTS}`;
  return {
    subject: { id: `u${i % 997}`, roles: i % 3 ? [] : ['admin'], tenants: i % 17 ? [t] : [] },
    tenantId: t,
    resource: { type: i % 2 ? 'context' : 'workflow', id: `r${i}` },
    action: i % 5 ? 'GET' : 'POST',
    context: { tenantStatus: i % 50 ? 'active' : 'suspended', tenantTier: 'premium' },
  };
};

function pct(sorted: number[], q: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;
}

async function run(nats: NatsTestClient, subject: string, inFlight: number, perMessage: number, build: (i: number) => unknown) {
  const latencies: number[] = [];
  let decisions = 0;
  let errors = 0;
  let i = 0;
  const deadline = performance.now() + seconds * 1000;
  const worker = async () => {
    while (performance.now() < deadline) {
      const body = encodeJson(build(i++));
      const started = performance.now();
      const msg = await nats.connection.request(subject, body, { timeout: 10_000 });
      latencies.push(performance.now() - started);
      if ('error' in (decodeJson(msg.data) as object)) errors++;
      else decisions += perMessage;
    }
  };
  const t0 = performance.now();
  await Promise.all(Array.from({ length: inFlight }, worker));
  const elapsed = (performance.now() - t0) / 1000;
  latencies.sort((a, b) => a - b);
  return {
    perSecond: Math.round(decisions / elapsed),
    messages: latencies.length,
    errors,
    p50: pct(latencies, 0.5),
    p99: pct(latencies, 0.99),
  };
}

const platform = await TestPlatform.create();
try {
  await platform.start('mcp-policy-proxy');
  const nats = await NatsTestClient.connect(platform.namespace.subjectPrefix);
  for (let t = 0; t < TENANTS; t++) await nats.request(TenantBootstrap.subject, { tenantId: `t${t}` });
  const prefix = platform.namespace.subjectPrefix;
  // Warm-up: JIT and connection pools on both sides.
  await run(nats, prefix + DecisionEvaluate.subject, 16, 1, request);

  for (const inFlight of [1, 64]) {
    const r = await run(nats, prefix + DecisionEvaluate.subject, inFlight, 1, request);
    console.log(
      `single   in-flight ${String(inFlight).padStart(3)}: ${r.perSecond} decisions/s  p50 ${r.p50.toFixed(2)} ms  p99 ${r.p99.toFixed(2)} ms  errors ${r.errors}`,
    );
  }
  for (const [size, inFlight] of [
    [100, 4],
    [100, 16],
    [500, 4],
  ] as const) {
    const r = await run(nats, prefix + DecisionEvaluateBatch.subject, inFlight, size, (i) => ({
      requests: Array.from({ length: size }, (_, k) => request(i * size + k)),
    }));
    console.log(
      `batch ${String(size).padStart(3)} in-flight ${String(inFlight).padStart(3)}: ${r.perSecond} decisions/s  p50 ${r.p50.toFixed(2)} ms/batch  p99 ${r.p99.toFixed(2)} ms/batch  errors ${r.errors}`,
    );
  }
  const logged = await platform.database.query(`SELECT count(*) AS n FROM policy.decision_log`);
  console.log(`decision log rows written during the run: ${logged.rows[0]!.n}`);
  await nats.close();
} finally {
  await platform.stop();
}
