// End-to-end orchestrator throughput on real infrastructure: tool calls (NATS request → orchestrator →
// pooled MCP session → counter MCP server) and durable 3-step fan-out workflow runs (Postgres + JetStream).
// Usage: npm run build && node dist/bench/orchestrator/run.js [toolCalls=2000] [inFlight=32] [runs=200]
import { eventually, NatsTestClient, TestPlatform } from '#testing';
import type { RunInfo } from '#contracts';
import { startCounter } from '../../test/support/upstreams.js';

const [toolCalls, inFlight, runs] = [Number(process.argv[2] ?? 2000), Number(process.argv[3] ?? 32), Number(process.argv[4] ?? 200)];
const who = { tenantId: 'bench', principalId: 'bench' };

function pct(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

async function pooled<T>(n: number, concurrency: number, task: (i: number) => Promise<T>): Promise<T[]> {
  const out: T[] = new Array(n);
  let next = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < n) {
        const i = next++;
        out[i] = await task(i);
      }
    }),
  );
  return out;
}

async function request(nats: NatsTestClient, subject: string, payload: unknown): Promise<unknown> {
  const reply = await nats.request(subject, payload, 30_000);
  if ('error' in reply) throw new Error(`${subject}: ${JSON.stringify(reply.error)}`);
  return reply.data;
}

const counter = await startCounter();
const platform = await TestPlatform.create();
try {
  await platform.start('mcp-orchestrator-api', { REGISTRY_REFRESH_INTERVAL_MS: '0', DATABASE_POOL_SIZE: '20' });
  const nats = await NatsTestClient.connect(platform.namespace.subjectPrefix);
  await request(nats, 'orchestrator.server.register', { ...who, server: 'counter', url: counter.url });
  await pooled(200, 16, () =>
    request(nats, 'orchestrator.tool.call', { ...who, server: 'counter', tool: 'add', arguments: { a: 1, b: 1 } }),
  ); // warm-up

  const latencies: number[] = [];
  let started = performance.now();
  // Failed calls are counted by code, not fatal: on a loaded machine the in-process upstream sheds some.
  const failures: Record<string, number> = {};
  await pooled(toolCalls, inFlight, async (i) => {
    const t0 = performance.now();
    const reply = await nats.request(
      'orchestrator.tool.call',
      { ...who, server: 'counter', tool: 'add', arguments: { a: i, b: 1 } },
      30_000,
    );
    if ('error' in reply) failures[reply.error.code] = (failures[reply.error.code] ?? 0) + 1;
    else latencies.push(performance.now() - t0);
  });
  const toolSeconds = (performance.now() - started) / 1000;
  latencies.sort((a, b) => a - b);

  await request(nats, 'orchestrator.workflow.create', {
    ...who,
    name: 'bench-fan-out',
    definition: {
      steps: [
        { id: 'a', kind: 'tool', tool: { server: 'counter', name: 'add' }, input: { a: { $ref: 'input.x' }, b: 1 } },
        {
          id: 'b',
          kind: 'tool',
          dependsOn: ['a'],
          tool: { server: 'counter', name: 'add' },
          input: { a: { $ref: 'steps.a.output.sum' }, b: 10 },
        },
        {
          id: 'c',
          kind: 'tool',
          dependsOn: ['a'],
          tool: { server: 'counter', name: 'add' },
          input: { a: { $ref: 'steps.a.output.sum' }, b: 100 },
        },
      ],
    },
  });
  started = performance.now();
  const ids = await pooled(
    runs,
    16,
    async (i) => ((await request(nats, 'orchestrator.run.start', { ...who, workflow: 'bench-fan-out', input: { x: i } })) as RunInfo).id,
  );
  await eventually(
    async () => {
      const { rows } = await platform.database.query<{ n: string }>(
        `SELECT count(*) AS n FROM tenant_bench.orch_runs WHERE status = 'succeeded'`,
      );
      return Number(rows[0]!.n) === ids.length;
    },
    600_000,
    100,
  );
  const runSeconds = (performance.now() - started) / 1000;
  const { rows } = await platform.database.query<{ p50: number; p99: number }>(
    `SELECT percentile_cont(0.5) WITHIN GROUP (ORDER BY d) AS p50, percentile_cont(0.99) WITHIN GROUP (ORDER BY d) AS p99
     FROM (SELECT extract(epoch FROM finished_at - created_at) * 1000 AS d FROM tenant_bench.orch_runs) x`,
  );
  console.log(
    JSON.stringify(
      {
        toolCalls: {
          calls: toolCalls,
          inFlight,
          perSecond: Math.round(toolCalls / toolSeconds),
          p50Ms: +pct(latencies, 50).toFixed(1),
          p99Ms: +pct(latencies, 99).toFixed(1),
          failures,
        },
        workflowRuns: {
          runs,
          stepsPerRun: 3,
          runsPerSecond: +(runs / runSeconds).toFixed(1),
          runP50Ms: Math.round(rows[0]!.p50),
          runP99Ms: Math.round(rows[0]!.p99),
        },
      },
      null,
      2,
    ),
  );
  const jsm = await nats.connection.jetstreamManager();
  await jsm.streams.delete(`${platform.namespace.token}_ORCHESTRATOR_STEPS`).catch(() => undefined);
  await nats.close();
} catch (err) {
  // The app's own error log says what an INTERNAL reply hides.
  const errors = (platform.apps.get('mcp-orchestrator-api')?.output() ?? '').split('\n').filter((l) => l.includes('"error"'));
  console.error(errors.slice(-5).join('\n'));
  throw err;
} finally {
  await platform.stop();
  await counter.stop();
}
