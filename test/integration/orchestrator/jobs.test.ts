import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { eventually, NatsTestClient, TestPlatform } from '#testing';
import type { JobInfo, RunInfo, UsageRow } from '#contracts';
import { startInferenceBackend, type Upstream } from '../../support/upstreams.js';
import { as, closeWorkQueue, fails, ok } from './helpers.js';

interface BackendStats {
  name: string;
  requests: number;
  streamed: number;
  promptTokens: number;
  completionTokens: number;
}
const stats = async (b: Upstream): Promise<BackendStats> =>
  (await fetch(`http://127.0.0.1:${b.port}/stats`)).json() as Promise<BackendStats>;

describe('orchestrator inference jobs on OpenAI-compatible backends', () => {
  let platform: TestPlatform;
  let nats: NatsTestClient;
  let gpu: Upstream;
  let cpu: Upstream;

  before(async () => {
    [gpu, cpu] = await Promise.all([
      startInferenceBackend('gpu-pool', { latencyMs: 20 }),
      startInferenceBackend('standard-pool', { latencyMs: 20 }),
    ]);
    // A scheduler scenario (SCHEDULER_POOLS_FILE) with two pools, each serving its model on its own backend.
    const model = (name: string, backendUrl: string) => ({
      model: name,
      prefillTokensPerSec: 1000,
      decodeTokensPerSec: 100,
      coldStartMs: 0,
      resumeMs: 0,
      backendUrl,
      minWarmReplicas: 1,
    });
    const quota = {
      nominal: { cpu: 8, memoryMiB: 32768, gpu: 0 },
      borrowingLimit: { cpu: 16, memoryMiB: 65536, gpu: 0 },
      lendingLimit: { cpu: 8, memoryMiB: 32768, gpu: 0 },
    };
    const dir = mkdtempSync(join(tmpdir(), 'orch-pools-'));
    const poolsFile = join(dir, 'pools.json');
    writeFileSync(
      poolsFile,
      JSON.stringify({
        name: 'jobs-test',
        config: { idleTtlMs: 300000 },
        pools: [
          {
            name: 'gpu',
            kind: 'compute',
            costPerNodeHour: 2,
            nodeCount: 2,
            nodeAllocatable: { cpu: 32, memoryMiB: 131072, gpu: 0 },
            models: [model('llama-70b', gpu.url)],
          },
          {
            name: 'standard',
            kind: 'standard',
            costPerNodeHour: 0.5,
            nodeCount: 1,
            nodeAllocatable: { cpu: 8, memoryMiB: 32768, gpu: 0 },
            models: [model('small-model', cpu.url)],
          },
        ],
        tenants: [],
        tenantDefaults: { standard: { quotas: { standard: quota, compute: quota } } },
      }),
    );
    platform = await TestPlatform.create();
    await platform.start('mcp-orchestrator-api', { REGISTRY_REFRESH_INTERVAL_MS: '0', SCHEDULER_POOLS_FILE: poolsFile });
    nats = await NatsTestClient.connect(platform.namespace.subjectPrefix);
  });

  after(async () => {
    await closeWorkQueue(platform, nats);
    await platform?.stop();
    await Promise.all([gpu?.stop(), cpu?.stop()]);
  });

  it('a synchronous job runs on the backend of the pool it was placed on and its token usage is recorded', async () => {
    const before = await stats(gpu);
    const job = await ok<JobInfo>(
      nats,
      'orchestrator.job.submit',
      {
        ...as('acme'),
        model: 'llama-70b',
        messages: [{ role: 'user', content: 'tell me about pools' }],
        maxOutputTokens: 64,
        wait: true,
        waitTimeoutMs: 15_000,
      },
      20_000,
    );
    assert.equal(job.status, 'succeeded', JSON.stringify(job.error));
    assert.equal(job.placement?.pool, 'gpu');
    assert.ok(job.placement!.node, 'placed on a node of the pool');
    assert.equal(job.placement!.backendUrl, gpu.url);
    assert.match(job.output!.content, /^\[gpu-pool\/llama-70b\] tell me about pools/);
    const after = await stats(gpu);
    assert.equal(after.requests, before.requests + 1);
    assert.equal((await stats(cpu)).requests, 0, 'the other pool was not used');
    assert.equal(job.usage!.completionTokens, after.completionTokens - before.completionTokens);
    assert.equal(job.usage!.promptTokens, after.promptTokens - before.promptTokens);

    const usage = await ok<{ items: UsageRow[] }>(nats, 'orchestrator.usage.get', { ...as('acme'), kind: 'inference' });
    const row = usage.items.find((u) => u.subject === 'llama-70b')!;
    assert.equal(row.calls, 1);
    assert.equal(row.completionTokens, job.usage!.completionTokens);
    assert.equal(row.promptTokens, job.usage!.promptTokens);
  });

  it('an asynchronous streaming job can be polled to completion; deltas are relayed to the caller', async () => {
    const relaySubject = 'orchestrator.relay.testjob0001';
    const deltas = nats.collect(relaySubject);
    const queued = await ok<JobInfo>(nats, 'orchestrator.job.submit', {
      ...as('acme'),
      model: 'small-model',
      messages: [{ role: 'user', content: 'stream these words please' }],
      stream: true,
      relaySubject,
    });
    assert.equal(queued.status, 'queued');
    const done = await eventually(
      async () => {
        const j = await ok<JobInfo>(nats, 'orchestrator.job.get', { ...as('acme'), jobId: queued.id });
        return j.status === 'succeeded' ? j : undefined;
      },
      15_000,
      100,
    );
    assert.equal(done.placement?.pool, 'standard');
    assert.equal((await stats(cpu)).streamed, 1);
    const text = (deltas.messages as { type: string; callId: string; params: { text: string } }[])
      .filter((d) => d.type === 'delta' && d.callId === queued.id)
      .map((d) => d.params.text)
      .join('');
    assert.equal(text, done.output!.content);
    deltas.stop();
  });

  it('an inference step in a workflow runs through the same placement', async () => {
    await ok(nats, 'orchestrator.workflow.create', {
      ...as('acme'),
      name: 'summarize',
      definition: {
        steps: [
          {
            id: 'llm',
            kind: 'inference',
            inference: { model: 'llama-70b', maxOutputTokens: 16 },
            input: { messages: [{ role: 'user', content: { $ref: 'input.text' } }] },
          },
        ],
      },
    });
    const started = await ok<RunInfo>(nats, 'orchestrator.run.start', {
      ...as('acme'),
      workflow: 'summarize',
      input: { text: 'hello workflow' },
    });
    const run = await eventually(
      async () => {
        const r = await ok<RunInfo>(nats, 'orchestrator.run.get', { ...as('acme'), runId: started.id });
        return r.status !== 'running' ? r : undefined;
      },
      15_000,
      100,
    );
    assert.equal(run.status, 'succeeded', JSON.stringify(run.error));
    const out = run.steps![0]!.output as { content: string; placement: { pool: string } };
    assert.equal(out.placement.pool, 'gpu');
    assert.match(out.content, /hello workflow/);
  });

  it('a model no pool serves fails the job with a typed error; another tenant cannot see or cancel jobs', async () => {
    const failed = await ok<JobInfo>(nats, 'orchestrator.job.submit', {
      ...as('acme'),
      model: 'unknown-model',
      messages: [{ role: 'user', content: 'x' }],
      wait: true,
    });
    assert.equal(failed.status, 'failed');
    assert.equal(failed.error?.code, 'NOT_FOUND');
    const mine = await ok<{ items: JobInfo[] }>(nats, 'orchestrator.job.list', as('acme'));
    assert.equal(mine.items.length, 4, 'two submitted, one failed, one run by the workflow step');
    const jobId = mine.items[0]!.id;
    assert.equal((await fails(nats, 'orchestrator.job.get', { ...as('globex'), jobId })).code, 'NOT_FOUND');
    assert.equal((await fails(nats, 'orchestrator.job.cancel', { ...as('globex'), jobId })).code, 'NOT_FOUND');
    assert.deepEqual((await ok<{ items: JobInfo[] }>(nats, 'orchestrator.job.list', as('globex'))).items, []);
    const usage = await ok<{ items: UsageRow[] }>(nats, 'orchestrator.usage.get', { ...as('globex'), kind: 'inference' });
    assert.deepEqual(usage.items, []);
  });

  it('a submission retried with the same Idempotency-Key returns the first job and runs the backend once', async () => {
    const before = await stats(cpu);
    const submit = (content: string) =>
      nats.request(
        'orchestrator.job.submit',
        { ...as('acme'), model: 'small-model', messages: [{ role: 'user', content }], idempotencyKey: 'batch-1:item-1', wait: true },
        20_000,
      );
    const replies = await Promise.all([submit('once'), submit('once'), submit('once')]);
    const jobs = replies.map((r) => ('data' in r ? (r.data as JobInfo) : assert.fail(JSON.stringify(r.error))));
    assert.equal(new Set(jobs.map((j) => j.id)).size, 1);
    const done = await ok<JobInfo>(nats, 'orchestrator.job.get', { ...as('acme'), jobId: jobs[0]!.id });
    assert.equal(done.status, 'succeeded', JSON.stringify(done.error));
    assert.equal((await stats(cpu)).requests, before.requests + 1, 'the backend ran it once');
    const conflict = await submit('something else');
    assert.ok('error' in conflict && conflict.error.code === 'CONFLICT', JSON.stringify(conflict));
  });

  it('a job committed but never published (crash between commit and publish) is published by the sweep and runs', async () => {
    const id = '00000000-0000-4000-8000-000000000042';
    await platform.database.query(
      `INSERT INTO tenant_acme.orch_jobs (id, status, model, input, priority, tier, resources, max_output_tokens, created_by, created_at)
       VALUES ($1, 'queued', 'small-model', '{"messages":[{"role":"user","content":"swept"}]}', 100, 'standard',
               '{"cpu":1,"memoryMiB":2048,"gpu":0}', 16, 'user@acme', now() - interval '10 seconds')`,
      [id],
    );
    const job = await eventually(
      async () => {
        const j = await ok<JobInfo>(nats, 'orchestrator.job.get', { ...as('acme'), jobId: id });
        return j.status === 'succeeded' || j.status === 'failed' ? j : undefined;
      },
      20_000,
      200,
    );
    assert.equal(job.status, 'succeeded', JSON.stringify(job.error));
    assert.match(job.output!.content, /swept/);
  });
});
