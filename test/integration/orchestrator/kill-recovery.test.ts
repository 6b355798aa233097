import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { eventually, NatsTestClient, TestPlatform } from '#testing';
import type { RunInfo } from '#contracts';
import { counterStats, startCounter, type Upstream } from '../../support/upstreams.js';
import { as, closeWorkQueue, completionsPerStep, ok } from './helpers.js';

const RUNS = 200;

describe('orchestrator survives kill -9 during 200 concurrent runs', () => {
  let platform: TestPlatform;
  let nats: NatsTestClient;
  let counter: Upstream;
  const env = {
    REGISTRY_REFRESH_INTERVAL_MS: '0',
    STEP_ACK_WAIT_MS: '2000',
    STEP_SWEEP_INTERVAL_MS: '1000',
    STEP_CONCURRENCY: '32',
    DATABASE_POOL_SIZE: '30',
  };

  before(async () => {
    counter = await startCounter();
    platform = await TestPlatform.create();
    await platform.start('mcp-orchestrator-api', env);
    nats = await NatsTestClient.connect(platform.namespace.subjectPrefix);
  });

  after(async () => {
    for (const p of platform?.apps.values() ?? []) {
      const errors = p
        .output()
        .split('\n')
        .filter((l) => l.includes('"level":"error"'));
      if (errors.length) console.error(errors.slice(0, 5).join('\n'));
    }
    await closeWorkQueue(platform, nats);
    await platform?.stop();
    await counter?.stop();
  });

  it('loses no run and completes no step twice (counted by the upstream)', async (t) => {
    await ok(nats, 'orchestrator.server.register', { ...as('acme'), server: 'counter', url: counter.url });
    await ok(nats, 'orchestrator.workflow.create', {
      ...as('acme'),
      name: 'two-counts',
      definition: {
        steps: [
          { id: 's1', kind: 'tool', tool: { server: 'counter', name: 'count' }, input: { label: 's1', delayMs: 400 } },
          { id: 's2', kind: 'tool', dependsOn: ['s1'], tool: { server: 'counter', name: 'count' }, input: { label: 's2', delayMs: 400 } },
        ],
      },
    });
    // Started 20 requests at a time (this machine's Postgres pool is small); all 200 are in flight together.
    const runs: RunInfo[] = [];
    for (let i = 0; i < RUNS; i += 20) {
      runs.push(
        ...(await Promise.all(
          Array.from({ length: 20 }, () => ok<RunInfo>(nats, 'orchestrator.run.start', { ...as('acme'), workflow: 'two-counts' }, 30_000)),
        )),
      );
    }
    const ids = new Set(runs.map((r) => r.id));
    const { rows: running } = await platform.database.query<{ n: string }>(
      `SELECT count(*) AS n FROM tenant_acme.orch_runs WHERE status = 'running'`,
    );
    t.diagnostic(`${running[0]!.n} of ${RUNS} runs in flight after starting them all`);
    assert.equal(ids.size, RUNS);

    // Kill once a good part of the work is done and steps are in flight at the upstream.
    const atKill = await eventually(
      async () => {
        const s = await counterStats(counter);
        return Object.keys(s.completions).length >= RUNS / 2 && s.inFlight > 0 ? s : undefined;
      },
      60_000,
      20,
    );
    await platform.app('mcp-orchestrator-api').kill();
    t.diagnostic(`killed with ${Object.keys(atKill.completions).length} step completions and ${atKill.inFlight} calls in flight`);
    await platform.start('mcp-orchestrator-api', env);

    const statuses = await eventually(
      async () => {
        const { rows } = await platform.database.query<{ status: string; n: string }>(
          `SELECT status, count(*) AS n FROM tenant_acme.orch_runs GROUP BY status`,
        );
        const by = Object.fromEntries(rows.map((r) => [r.status, Number(r.n)]));
        return (by.running ?? 0) === 0 ? by : undefined;
      },
      120_000,
      250,
    );
    assert.deepEqual(statuses, { succeeded: RUNS });

    const stats = await counterStats(counter);
    const perStep = completionsPerStep(stats, ids);
    assert.equal(perStep.size, RUNS * 2, 'every step of every run completed at the upstream');
    const twice = [...perStep].filter(([, n]) => n !== 1);
    assert.deepEqual(twice, [], 'no step completed twice');
    const replayed = Object.entries(stats.executions).filter(([k, n]) => ids.has(k.split(':')[1]!) && n > 1).length;
    t.diagnostic(`${replayed} step attempts were delivered again after the kill and deduplicated by idempotency key`);
    const { rows } = await platform.database.query<{ n: string }>(
      `SELECT count(*) AS n FROM tenant_acme.orch_step_attempts WHERE attempt > 1`,
    );
    assert.equal(Number(rows[0]!.n), 0, 'recovery resumed attempts instead of starting new ones');
  });
});
