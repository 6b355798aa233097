import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { DomainError, ErrorCode } from '#contracts';
import type { PlacementRequest } from './scheduler.port.js';
import { SchedulerService } from './scheduler.service.js';
import { buildScenario } from './sim/scenario.js';

const quota = (cpu: number) => ({
  nominal: { cpu, memoryMiB: cpu * 1024, gpu: 0 },
  borrowingLimit: { cpu: 100, memoryMiB: 102400, gpu: 0 },
  lendingLimit: { cpu, memoryMiB: cpu * 1024, gpu: 0 },
});

const computePool = (name: string, costPerNodeHour: number, spot = false) => ({
  name,
  kind: 'compute' as const,
  spot,
  costPerNodeHour,
  nodeCount: 1,
  nodeAllocatable: { cpu: 2, memoryMiB: 2048, gpu: 0 },
  models: [
    {
      model: 'm',
      prefillTokensPerSec: 1000,
      decodeTokensPerSec: 10,
      coldStartMs: 0,
      resumeMs: 0,
      backendUrl: 'http://127.0.0.1:8090/v1',
      minWarmReplicas: 1,
    },
  ],
});

function service(pools = [computePool('p', 1)]): SchedulerService {
  const scenario = buildScenario({
    name: 'spec',
    config: { preemptAfterWaitMs: 0 },
    pools,
    tenants: [],
    tenantDefaults: { standard: { quotas: { compute: quota(1) } }, premium: { quotas: { compute: quota(1) } } },
  });
  const s = new SchedulerService(scenario, { tickMs: 1000, placementTimeoutMs: 300 });
  s.onModuleInit();
  return s;
}

let n = 0;
const req = (over: Partial<PlacementRequest> = {}): PlacementRequest => ({
  jobId: `job-${n++}`,
  tenantId: 'acme',
  tier: 'standard',
  model: 'm',
  priority: 0,
  promptTokens: 10,
  maxOutputTokens: 10_000,
  resources: { cpu: 1, memoryMiB: 1024, gpu: 0 },
  spotTolerant: false,
  ...over,
});

const code = (c: ErrorCode) => (e: unknown) => e instanceof DomainError && e.code === c;

describe('SchedulerService', () => {
  const services: SchedulerService[] = [];
  after(() => services.forEach((s) => s.onModuleDestroy()));
  const make = (s = service()) => {
    services.push(s);
    return s;
  };

  it('places on the pool backend, queues when full and places again on release', async () => {
    const s = make();
    const a = await s.place(req());
    assert.deepEqual([a.pool, a.node, a.backendUrl, a.warm], ['p', 'p-000', 'http://127.0.0.1:8090/v1', true]);
    await s.place(req({ tenantId: 'beta' }));
    const third = req();
    let placed = false;
    const pending = s.place(third).then((p) => ((placed = true), p));
    await new Promise((r) => setTimeout(r, 20));
    assert.equal(placed, false, 'the node is full');
    s.release(a.jobId);
    assert.equal((await pending).jobId, third.jobId);
  });

  it('validates the tenant id and the request before queueing anything', async () => {
    const s = make();
    assert.throws(() => s.place(req({ tenantId: 'Robert"); DROP' })), code(ErrorCode.TENANT_INVALID));
    assert.throws(() => s.place(req({ model: 'nope' })), code(ErrorCode.NOT_FOUND));
    assert.throws(() => s.place(req({ resources: { cpu: 64, memoryMiB: 1, gpu: 0 } })), code(ErrorCode.BAD_REQUEST));
    assert.throws(() => s.place(req({ maxOutputTokens: 0 })), code(ErrorCode.VALIDATION_FAILED));
    assert.throws(() => s.place(req({ tier: 'free' })), code(ErrorCode.TENANT_UNKNOWN), 'no quota for the free tier');
  });

  it('withdraws a queued job on abort and on timeout', async () => {
    const s = make();
    await s.place(req());
    await s.place(req({ tenantId: 'beta' }));
    const ac = new AbortController();
    const aborted = s.place(req(), ac.signal);
    ac.abort();
    await assert.rejects(aborted, code(ErrorCode.CONFLICT));
    await assert.rejects(s.place(req()), code(ErrorCode.SERVICE_UNAVAILABLE), 'the 300 ms placement timeout');
  });

  it('tells the job path when a job is preempted, and lets it place the job again', async () => {
    const s = make();
    const evicted: string[] = [];
    s.onPreempted((id) => evicted.push(id));
    // The owner's first job makes its quota known to the cohort (tenants onboard on first use).
    s.release((await s.place(req({ tenantId: 'owner' }))).jobId);
    await s.place(req({ tenantId: 'borrower' }));
    await s.place(req({ tenantId: 'borrower' }));
    const owner = await s.place(req({ tenantId: 'owner' }));
    assert.equal(owner.pool, 'p');
    assert.equal(evicted.length, 1, 'one borrowed slot reclaimed');
    const again = s.place(req({ tenantId: 'borrower', jobId: evicted[0] as string }));
    s.release(owner.jobId);
    assert.equal((await again).jobId, evicted[0]);
  });

  it('re-places the jobs of a reclaimed spot node on on-demand capacity under the same job id', async () => {
    const s = make(service([computePool('spot', 0.3, true), computePool('od', 1)]));
    const evicted: string[] = [];
    s.onPreempted((id) => evicted.push(id));
    const first = await s.place(req({ spotTolerant: true }));
    assert.equal(first.pool, 'spot');
    assert.equal(s.reclaimSpotNode(first.node, 60_000), 1);
    assert.deepEqual(evicted, [first.jobId]);
    const again = await s.place(req({ spotTolerant: true, jobId: first.jobId }));
    assert.equal(again.pool, 'od', 'evicted work avoids spot from then on');
    s.release(again.jobId);
    // Released for good: the id can be placed afresh.
    assert.equal((await s.place(req({ jobId: first.jobId }))).jobId, first.jobId);
  });

  it('frees the new node of an evicted job whose job path gives up instead of placing it again', async () => {
    const s = make(service([computePool('spot', 0.3, true), computePool('od', 1)]));
    const first = await s.place(req({ spotTolerant: true }));
    // Re-bound on on-demand at once, before the job path asks again.
    s.reclaimSpotNode(first.node, 60_000);
    s.release(first.jobId);
    const both = await Promise.all([s.place(req({ tenantId: 'tenant-x' })), s.place(req({ tenantId: 'tenant-y' }))]);
    assert.deepEqual(
      both.map((p) => p.pool),
      ['od', 'od'],
      'both on-demand slots are free again',
    );
  });
});
