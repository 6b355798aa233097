// NATS round-trip decisions per second against a real mcp-policy-proxy (child process, own test
// database, decision log on), single requests with many in flight and batches; then how long a
// rule change takes to be enforced by two instances, and how fast the decision log appends.
// Usage: node dist/bench/policy/nats-roundtrip.js [seconds per scenario]
import { randomUUID } from 'node:crypto';
import { DecisionEvaluate, DecisionEvaluateBatch, RuleAdd, TenantBootstrap, type DecisionEvaluateRequest } from '#contracts';
import { encodeJson, decodeJson } from '#messaging';
import { createAppDataSource } from '#database';
import { NatsTestClient, TestPlatform } from '#testing';
import { DecisionLogStore } from '../../apps/mcp-policy-proxy/src/audit/decision-log-store.js';
import { policyDataSourceSpec } from '../../apps/mcp-policy-proxy/src/database/data-source.js';

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

  const second = await platform.start('mcp-policy-proxy');
  const urls = [platform.app('mcp-policy-proxy').url, second.url];
  const propagation: number[] = [];
  for (let round = 0; round < 10; round++) {
    const ask = {
      input: {
        subject: { id: 'p', roles: [], tenants: ['t0'] },
        tenantId: 't0',
        resource: { type: `kind${round}` },
        action: 'GET',
      },
    };
    const started = performance.now();
    await nats.request(RuleAdd.subject, {
      actor: 'bench',
      rule: { domain: 't0', subject: 'member', resource: `kind${round}`, action: 'GET', effect: 'allow' },
    });
    await Promise.all(
      urls.map(async (url) => {
        while (performance.now() - started < 5_000) {
          const res = await fetch(`${url}/v1/data/mcp/authz/allow`, {
            method: 'POST',
            headers: { 'content-type': 'application/json' },
            body: JSON.stringify(ask),
          });
          if (((await res.json()) as { result: boolean }).result) return;
        }
        throw new Error(`rule not enforced by ${url} within 5 s`);
      }),
    );
    propagation.push(performance.now() - started);
  }
  propagation.sort((a, b) => a - b);
  console.log(
    `rule.add → enforced by both of 2 instances: p50 ${pct(propagation, 0.5).toFixed(1)} ms  max ${propagation.at(-1)!.toFixed(1)} ms (10 changes)`,
  );
  await nats.close();

  // What the decision log can absorb: batches appended straight to the chain (hashing included).
  const dataSource = createAppDataSource(
    { DATABASE_URL: platform.database.url, DATABASE_POOL_SIZE: 2, MIGRATIONS_RUN: false },
    policyDataSourceSpec,
  );
  await dataSource.initialize();
  const store = new DecisionLogStore(dataSource);
  const entry = (k: number) => ({
    decisionId: randomUUID(),
    at: new Date().toISOString(),
    tenantId: 't1',
    subjectId: `u${k}`,
    action: 'GET',
    resourceType: 'context',
    allow: true,
    reason: 'allowed',
    matchedRule: 't1.member-get-context',
    traceId: null,
    latencyUs: 2,
    input: JSON.stringify(request(k)),
  });
  const appendStarted = performance.now();
  for (let b = 0; b < 10; b++) await store.append(Array.from({ length: 2000 }, (_, k) => entry(k)));
  console.log(
    `decision log append (10 batches of 2000, hash chain): ${Math.round(20_000 / ((performance.now() - appendStarted) / 1000))} records/s`,
  );
  await dataSource.destroy();
} finally {
  await platform.stop();
}
