import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { eventually, NatsTestClient, TestPlatform } from '#testing';
import { encodeJson } from '#messaging';
import type { RunInfo, WorkflowInfo } from '#contracts';
import { counterStats, startCounter, type Upstream } from '../../support/upstreams.js';
import { as, closeWorkQueue, fails, ok } from './helpers.js';

async function finished(nats: NatsTestClient, tenant: string, runId: string, timeoutMs = 20_000): Promise<RunInfo> {
  return eventually(
    async () => {
      const run = await ok<RunInfo>(nats, 'orchestrator.run.get', { ...as(tenant), runId });
      return run.status !== 'running' ? run : undefined;
    },
    timeoutMs,
    100,
  );
}

describe('orchestrator durable workflows (Postgres + JetStream + real MCP upstream)', () => {
  let platform: TestPlatform;
  let nats: NatsTestClient;
  let counter: Upstream;

  before(async () => {
    counter = await startCounter();
    platform = await TestPlatform.create();
    await platform.start('mcp-orchestrator-api', { REGISTRY_REFRESH_INTERVAL_MS: '0', STEP_ACK_WAIT_MS: '3000' });
    nats = await NatsTestClient.connect(platform.namespace.subjectPrefix);
    for (const tenant of ['acme', 'globex'])
      await ok(nats, 'orchestrator.server.register', { ...as(tenant), server: 'counter', url: counter.url });
  });

  after(async () => {
    await closeWorkQueue(platform, nats);
    await platform?.stop();
    await counter?.stop();
  });

  it("the tenant's tables are created when mcp-config announces the tenant as onboarded", async () => {
    nats.connection.publish(
      `${platform.namespace.subjectPrefix}events.config.tenant.changed`,
      encodeJson({
        specversion: '1.0',
        id: 'e1',
        source: 'mcp-config',
        type: 'com.mcp.config.tenant.changed',
        time: new Date().toISOString(),
        datacontenttype: 'application/json',
        tenantid: 'initech',
        data: {
          revision: 1,
          operation: 'onboarded',
          tenant: { id: 'initech', name: 'Initech', schema: 'tenant_initech', tier: 'standard', status: 'active' },
        },
      }),
    );
    await eventually(
      async () => {
        const { rows } = await platform.database.query(
          `SELECT 1 FROM information_schema.tables WHERE table_schema = 'tenant_initech' AND table_name = 'orch_runs'`,
        );
        return rows.length === 1;
      },
      10_000,
      100,
    );
  });

  it('a three-step workflow with a fan-out completes with outputs wired through, step by step inspectable', async () => {
    const events = nats.collect('events.orchestrator.run.changed');
    const wf = await ok<WorkflowInfo>(nats, 'orchestrator.workflow.create', {
      ...as('acme'),
      name: 'fan-out',
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
        output: { left: { $ref: 'steps.b.output.sum' }, right: { $ref: 'steps.c.output.sum' } },
      },
    });
    assert.equal(wf.version, 1);
    const started = await ok<RunInfo>(nats, 'orchestrator.run.start', { ...as('acme'), workflow: 'fan-out', input: { x: 5 } });
    assert.equal(started.status, 'running');
    const run = await finished(nats, 'acme', started.id);
    assert.equal(run.status, 'succeeded', JSON.stringify(run.error));
    assert.deepEqual(run.output, { left: 16, right: 106 });
    const steps = Object.fromEntries(run.steps!.map((s) => [s.stepId, s]));
    assert.deepEqual(steps.a!.input, { a: 5, b: 1 });
    assert.deepEqual(steps.b!.input, { a: 6, b: 10 });
    assert.deepEqual(steps.c!.output, { sum: 106 });
    assert.ok(run.steps!.every((s) => s.status === 'succeeded' && s.attempts.length === 1 && s.attempts[0]!.status === 'succeeded'));
    await eventually(
      () =>
        (events.messages as { data: { runId: string; status: string }; tenantid: string }[]).some(
          (e) => e.data.runId === started.id && e.data.status === 'succeeded' && e.tenantid === 'acme',
        ),
      5_000,
    );
    events.stop();
  });

  it('a failing step retries with exponential backoff, then fails the run with the step error', async () => {
    await ok(nats, 'orchestrator.workflow.create', {
      ...as('acme'),
      name: 'flaky',
      definition: {
        steps: [
          { id: 'first', kind: 'tool', tool: { server: 'counter', name: 'add' }, input: { a: 1, b: 1 } },
          {
            id: 'boom',
            kind: 'tool',
            dependsOn: ['first'],
            tool: { server: 'counter', name: 'fail' },
            input: { message: 'disk on fire' },
            retry: { maxAttempts: 3, initialDelayMs: 300, multiplier: 2, maxDelayMs: 5000 },
          },
          { id: 'never', kind: 'tool', dependsOn: ['boom'], tool: { server: 'counter', name: 'add' }, input: { a: 1, b: 1 } },
        ],
      },
    });
    const started = await ok<RunInfo>(nats, 'orchestrator.run.start', { ...as('acme'), workflow: 'flaky' });
    const run = await finished(nats, 'acme', started.id);
    assert.equal(run.status, 'failed');
    assert.equal(run.error?.code, 'UPSTREAM_ERROR');
    assert.match(run.error!.message, /boom.*disk on fire/);
    const boom = run.steps!.find((s) => s.stepId === 'boom')!;
    assert.equal(boom.status, 'failed');
    assert.deepEqual(
      boom.attempts.map((a) => a.status),
      ['failed', 'failed', 'failed'],
    );
    assert.equal(run.steps!.find((s) => s.stepId === 'never')!.status, 'cancelled');
    const attempts = (await counterStats(counter)).failAttempts.filter((f) => f.key.includes(started.id)).map((f) => f.at);
    assert.equal(attempts.length, 3);
    const gap1 = attempts[1]! - attempts[0]!;
    const gap2 = attempts[2]! - attempts[1]!;
    // equal jitter: retry 1 waits 150–300 ms, retry 2 waits 300–600 ms
    assert.ok(gap1 >= 150, `first backoff ${gap1} ms`);
    assert.ok(gap2 >= 300, `second backoff ${gap2} ms`);
  });

  it('an invalid definition is rejected with every problem listed', async () => {
    const err = await fails(nats, 'orchestrator.workflow.create', {
      ...as('acme'),
      name: 'cyclic',
      definition: {
        steps: [
          { id: 'a', kind: 'tool', tool: { server: 'counter', name: 'add' }, dependsOn: ['b'] },
          { id: 'b', kind: 'tool', tool: { server: 'counter', name: 'add' }, dependsOn: ['a'] },
        ],
      },
    });
    assert.equal(err.code, 'VALIDATION_FAILED');
    assert.deepEqual(err.details?.problems, ['steps: dependencies form a cycle']);
  });

  it('a run can be cancelled while a step is in flight; nested workflows run as child runs', async () => {
    await ok(nats, 'orchestrator.workflow.create', {
      ...as('acme'),
      name: 'slow',
      definition: { steps: [{ id: 'wait', kind: 'tool', tool: { server: 'counter', name: 'count' }, input: { delayMs: 5000 } }] },
    });
    const slow = await ok<RunInfo>(nats, 'orchestrator.run.start', { ...as('acme'), workflow: 'slow' });
    await eventually(
      async () =>
        (await ok<RunInfo>(nats, 'orchestrator.run.get', { ...as('acme'), runId: slow.id })).steps!.some((s) => s.status === 'running'),
      5_000,
    );
    const cancelled = await ok<RunInfo>(nats, 'orchestrator.run.cancel', { ...as('acme'), runId: slow.id });
    assert.equal(cancelled.status, 'cancelled');
    assert.equal(cancelled.steps![0]!.status, 'cancelled');
    assert.equal((await fails(nats, 'orchestrator.run.cancel', { ...as('acme'), runId: slow.id })).code, 'CONFLICT');

    await ok(nats, 'orchestrator.workflow.create', {
      ...as('acme'),
      name: 'parent',
      definition: {
        steps: [
          { id: 'child', kind: 'workflow', workflow: { name: 'fan-out' }, input: { x: { $ref: 'input.n' } } },
          {
            id: 'after',
            kind: 'tool',
            dependsOn: ['child'],
            tool: { server: 'counter', name: 'add' },
            input: { a: { $ref: 'steps.child.output.left' }, b: 0 },
          },
        ],
      },
    });
    const parent = await finished(
      nats,
      'acme',
      (await ok<RunInfo>(nats, 'orchestrator.run.start', { ...as('acme'), workflow: 'parent', input: { n: 1 } })).id,
    );
    assert.equal(parent.status, 'succeeded', JSON.stringify(parent.error));
    assert.deepEqual(parent.steps!.find((s) => s.stepId === 'after')!.output, { sum: 12 });
    const childId = parent.steps!.find((s) => s.stepId === 'child')!.childRunId!;
    assert.equal((await ok<RunInfo>(nats, 'orchestrator.run.get', { ...as('acme'), runId: childId })).parentRunId, parent.id);
  });

  it('runs are listed and filtered per tenant; another tenant can neither see nor touch them', async () => {
    const list = await ok<{ items: RunInfo[] }>(nats, 'orchestrator.run.list', { ...as('acme'), status: 'failed' });
    assert.ok(list.items.length >= 1 && list.items.every((r) => r.status === 'failed'));
    const byWorkflow = await ok<{ items: RunInfo[] }>(nats, 'orchestrator.run.list', { ...as('acme'), workflow: 'fan-out' });
    assert.ok(byWorkflow.items.length >= 2 && byWorkflow.items.every((r) => r.workflow === 'fan-out'));
    const runId = list.items[0]!.id;
    assert.equal((await fails(nats, 'orchestrator.run.get', { ...as('globex'), runId })).code, 'NOT_FOUND');
    assert.equal((await fails(nats, 'orchestrator.run.cancel', { ...as('globex'), runId })).code, 'NOT_FOUND');
    assert.deepEqual((await ok<{ items: RunInfo[] }>(nats, 'orchestrator.run.list', as('globex'))).items, []);
    assert.equal((await fails(nats, 'orchestrator.run.start', { ...as('globex'), workflow: 'fan-out' })).code, 'NOT_FOUND');
    assert.equal((await fails(nats, 'orchestrator.workflow.get', { ...as('globex'), name: 'fan-out' })).code, 'NOT_FOUND');
  });

  it('a start retried with the same Idempotency-Key returns the first run; the key with another input is a conflict', async () => {
    const start = (input: Record<string, unknown>, tenant = 'acme') =>
      nats.request('orchestrator.run.start', { ...as(tenant), workflow: 'fan-out', input, idempotencyKey: 'order-7/charge' });
    // Ten concurrent retries of one submission create one run.
    const replies = await Promise.all(Array.from({ length: 10 }, () => start({ x: 7 })));
    const ids = new Set(replies.map((r) => ('data' in r ? (r.data as RunInfo).id : JSON.stringify(r.error))));
    assert.equal(ids.size, 1, [...ids].join(', '));
    const [id] = [...ids];
    const run = await finished(nats, 'acme', id!);
    assert.equal(run.status, 'succeeded', JSON.stringify(run.error));
    const { rows } = await platform.database.query<{ n: string }>(
      `SELECT count(*) AS n FROM tenant_acme.orch_runs WHERE idempotency_key = 'order-7/charge'`,
    );
    assert.equal(rows[0]!.n, '1');
    // A retry after it finished still answers with that run.
    const again = await start({ x: 7 });
    assert.ok('data' in again && (again.data as RunInfo).id === id && (again.data as RunInfo).status === 'succeeded');

    const conflict = await start({ x: 8 });
    assert.ok('error' in conflict);
    assert.equal(conflict.error.code, 'CONFLICT');
    assert.equal(conflict.error.details?.reason, 'idempotency-key-reused');
    // Keys are the tenant's own: the same key in another tenant is another submission.
    const other = await start({ x: 7 }, 'globex');
    assert.ok('error' in other && other.error.code === 'NOT_FOUND', 'globex has no fan-out workflow');
    const malformed = await fails(nats, 'orchestrator.run.start', { ...as('acme'), workflow: 'fan-out', idempotencyKey: 'has space' });
    assert.equal(malformed.code, 'VALIDATION_FAILED');
  });
});
