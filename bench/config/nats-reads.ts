// config.entry.get over NATS against one real mcp-config process (own test database and subject
// prefix), with N requests in flight, after a warm-up; config.status.get (no database) in the same
// run as the baseline of the machine's current speed. Needs the build and the local Postgres/NATS.
// Usage: node dist/bench/config/nats-reads.js [seconds] [in-flight]
import { NatsTestClient, TestPlatform } from '#testing';

const seconds = Number(process.argv[2] ?? 10);
const inFlight = Number(process.argv[3] ?? 64);

const platform = await TestPlatform.create();
try {
  await platform.start('mcp-config');
  const nats = await NatsTestClient.connect(platform.namespace.subjectPrefix);
  await nats.request('config.tenant.onboard', { tenantId: 'bench', name: 'Bench', actor: 'bench' });
  await nats.request('config.entry.set', {
    key: 'bench.value',
    environment: '*',
    value: { timeoutMs: 1500, hosts: ['a', 'b'] },
    expectedVersion: 0,
    actor: 'bench',
  });
  await nats.request('config.entry.set', {
    key: 'bench.value',
    environment: 'prod',
    value: { timeoutMs: 900 },
    expectedVersion: 0,
    actor: 'bench',
  });
  // Resolves tenant → prod → default: the full precedence walk on every read.
  const request = { key: 'bench.value', environment: 'prod', tenantId: 'bench' };

  const run = async (subject: string, payload: object, durationMs: number) => {
    const latencies: number[] = [];
    let errors = 0;
    const deadline = performance.now() + durationMs;
    await Promise.all(
      Array.from({ length: inFlight }, async () => {
        while (performance.now() < deadline) {
          const started = performance.now();
          const reply = await nats.request(subject, payload);
          latencies.push(performance.now() - started);
          if (!('data' in reply)) errors++;
        }
      }),
    );
    return { latencies: latencies.sort((a, b) => a - b), errors };
  };

  for (const [subject, payload] of [
    ['config.status.get', {}],
    ['config.entry.get', request],
  ] as const) {
    await run(subject, payload, 2_000);
    const { latencies, errors } = await run(subject, payload, seconds * 1_000);
    const at = (q: number) => latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))]!.toFixed(2);
    console.log(
      `${subject} over NATS, ${inFlight} in flight, ${seconds} s: ${Math.round(latencies.length / seconds).toLocaleString('en-US')} req/s, ` +
        `p50 ${at(0.5)} ms, p99 ${at(0.99)} ms, errors ${errors}`,
    );
  }
  await nats.close();
} finally {
  await platform.stop();
}
