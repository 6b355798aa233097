import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { eventually, NatsTestClient, TcpProxy, TestPlatform } from '#testing';
import type { RunInfo } from '#contracts';
import { counterStats, startCounter, type Upstream } from '../../support/upstreams.js';
import { as, closeWorkQueue, completionsPerStep, ok } from './helpers.js';

const RUNS = 20;
const OUTAGE_MS = 8_000;

/**
 * Postgres goes away while steps are in flight at the upstream, for longer than the step messages'
 * whole redelivery budget (3 deliveries, 1 s apart). Deliveries that cannot reach the database
 * must not use that budget up: every run still finishes, and no step completes twice.
 */
describe('workflow runs survive a Postgres outage longer than their redelivery budget', () => {
  let platform: TestPlatform;
  let nats: NatsTestClient;
  let counter: Upstream;
  const postgres = new TcpProxy('127.0.0.1', 5432);

  before(async () => {
    counter = await startCounter();
    platform = await TestPlatform.create();
    await postgres.start();
    const db = new URL(platform.database.url);
    db.port = String(postgres.port);
    await platform.start('mcp-orchestrator-api', {
      DATABASE_URL: db.toString(),
      REGISTRY_REFRESH_INTERVAL_MS: '0',
      STEP_ACK_WAIT_MS: '1000',
      STEP_MAX_DELIVER: '3',
      STEP_SWEEP_INTERVAL_MS: '1000',
    });
    nats = await NatsTestClient.connect(platform.namespace.subjectPrefix);
  });

  after(async () => {
    await closeWorkQueue(platform, nats);
    await platform?.stop();
    await postgres.stop();
    await counter?.stop();
  });

  it('every run started before the outage succeeds after it, each step completed once', async (t) => {
    await ok(nats, 'orchestrator.server.register', { ...as('acme'), server: 'counter', url: counter.url });
    await ok(nats, 'orchestrator.workflow.create', {
      ...as('acme'),
      name: 'slow-pair',
      definition: {
        steps: [
          { id: 's1', kind: 'tool', tool: { server: 'counter', name: 'count' }, input: { label: 's1', delayMs: 1500 } },
          { id: 's2', kind: 'tool', dependsOn: ['s1'], tool: { server: 'counter', name: 'count' }, input: { label: 's2', delayMs: 200 } },
        ],
      },
    });
    const runs = await Promise.all(
      Array.from({ length: RUNS }, () => ok<RunInfo>(nats, 'orchestrator.run.start', { ...as('acme'), workflow: 'slow-pair' })),
    );
    const ids = new Set(runs.map((r) => r.id));
    // Cut while first steps run at the upstream: their outcome has to be recorded during the outage.
    await eventually(async () => ((await counterStats(counter)).inFlight > 0 ? true : undefined), 15_000, 20);
    await postgres.stop();
    await new Promise((r) => setTimeout(r, OUTAGE_MS));
    await postgres.start();

    const statuses = await eventually(
      async () => {
        const { rows } = await platform.database.query<{ status: string; n: string }>(
          `SELECT status, count(*) AS n FROM tenant_acme.orch_runs GROUP BY status`,
        );
        const by = Object.fromEntries(rows.map((r) => [r.status, Number(r.n)]));
        return (by.running ?? 0) === 0 ? by : undefined;
      },
      60_000,
      250,
    ).catch(async (err: Error) => {
      const { rows } = await platform.database.query(
        `SELECT r.id, s.step_id, s.status, s.attempt, s.dispatched_at FROM tenant_acme.orch_runs r JOIN tenant_acme.orch_steps s ON s.run_id = r.id WHERE r.status = 'running'`,
      );
      assert.fail(`${err.message}; still running: ${JSON.stringify(rows.slice(0, 6))}`);
    });
    assert.deepEqual(statuses, { succeeded: RUNS });

    const perStep = completionsPerStep(await counterStats(counter), ids);
    assert.equal(perStep.size, RUNS * 2, 'every step of every run completed at the upstream');
    assert.deepEqual(
      [...perStep].filter(([, n]) => n !== 1),
      [],
      'no step completed twice',
    );
    const { rows } = await platform.database.query<{ max: number }>(`SELECT max(deliveries) AS max FROM tenant_acme.orch_step_attempts`);
    t.diagnostic(`at most ${rows[0]!.max} deliveries of one step attempt reached the database`);
  });
});
