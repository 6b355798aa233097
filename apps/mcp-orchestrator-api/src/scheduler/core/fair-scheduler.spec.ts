import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { FairScheduler } from './fair-scheduler.js';
import type { Binding, ClusterSpec, JobSpec, ModelServing, PoolSpec, TenantSpec, Tier } from './types.js';

const serving = (model: string, extra: Partial<ModelServing> = {}): ModelServing => ({
  model,
  prefillTokensPerSec: 1000,
  decodeTokensPerSec: 10,
  coldStartMs: 10_000,
  resumeMs: 1_000,
  backendUrl: `http://127.0.0.1:8090/v1`,
  ...extra,
});

function pool(name: string, over: Partial<PoolSpec> & { count?: number; cpu?: number; gpu?: number } = {}): PoolSpec {
  const { count = 2, cpu = 4, gpu = 0, ...rest } = over;
  return {
    name,
    kind: 'compute',
    spot: false,
    costPerNodeHour: 1,
    labels: {},
    taints: [],
    nodes: Array.from({ length: count }, (_, i) => ({ name: `${name}-${i}`, allocatable: { cpu, memoryMiB: cpu * 1024, gpu } })),
    models: [serving('m')],
    ...rest,
  };
}

function tenant(id: string, tier: Tier = 'standard', nominal = 100, weight = 1): TenantSpec {
  const q = {
    nominal: { cpu: nominal, memoryMiB: nominal * 1024, gpu: nominal },
    borrowingLimit: { cpu: 1000, memoryMiB: 1e7, gpu: 1000 },
    lendingLimit: { cpu: nominal, memoryMiB: nominal * 1024, gpu: nominal },
  };
  return { id, tier, weight, cohort: 'c', quotas: { compute: q, gpu: q, memory: q, standard: q } };
}

let n = 0;
function job(tenantId: string, over: Partial<JobSpec> = {}): JobSpec {
  return {
    id: `j${n++}`,
    tenantId,
    tier: 'standard',
    model: 'm',
    priority: 0,
    promptTokens: 100,
    outputTokens: 100,
    resources: { cpu: 1, memoryMiB: 1024, gpu: 0 },
    spotTolerant: false,
    ...over,
  };
}

const binds = (ds: ReturnType<FairScheduler['schedule']>): Binding[] => ds.filter((d): d is Binding => d.kind === 'bind');

describe('FairScheduler placement', () => {
  it('filters pools by model, spot tolerance and GPU taint', () => {
    const spec: ClusterSpec = {
      pools: [
        pool('cpu', { models: [serving('small')] }),
        pool('spot', {
          spot: true,
          gpu: 8,
          taints: [{ key: 'mcp.platform/spot', value: 'true', effect: 'NoSchedule' }],
          models: [serving('small'), serving('big')],
          costPerNodeHour: 0.1,
        }),
        pool('gpu', {
          kind: 'gpu',
          gpu: 8,
          taints: [{ key: 'nvidia.com/gpu', value: 'present', effect: 'NoSchedule' }],
          models: [serving('big'), serving('small')],
        }),
      ],
      tenants: [tenant('a')],
    };
    const s = new FairScheduler(spec);
    const small = job('a', { model: 'small' });
    const big = job('a', { model: 'big', resources: { cpu: 1, memoryMiB: 1024, gpu: 1 } });
    const bigSpot = job('a', { model: 'big', resources: { cpu: 1, memoryMiB: 1024, gpu: 1 }, spotTolerant: true });
    for (const j of [small, bigSpot, big]) s.submit(j, 0);
    const placed = new Map(binds(s.schedule(0)).map((b) => [b.jobId, b.pool]));
    assert.equal(placed.get(small.id), 'cpu', 'no GPU request: kept off the GPU pool, not spot-tolerant: off spot');
    assert.equal(placed.get(big.id), 'gpu');
    assert.equal(placed.get(bigSpot.id), 'spot', 'spot-tolerant job prefers the cheap spot pool');
  });

  it('prefers a node with the model warm over a cold one, and reports the start delay', () => {
    const s = new FairScheduler({ pools: [pool('p', { count: 3 })], tenants: [tenant('a')] });
    const first = job('a');
    s.submit(first, 0);
    const [b1] = binds(s.schedule(0));
    assert.equal(b1?.warm, false);
    assert.equal(b1?.startAt, 10_000, 'cold start');
    s.submit(job('a'), 20_000);
    const [b2] = binds(s.schedule(20_000));
    assert.equal(b2?.node, b1?.node, 'bin-packed onto the loaded replica');
    assert.equal(b2?.warm, true);
    assert.equal(b2?.startAt, 20_000);
  });

  it('orders tiers first, then tenants by weighted dominant share', () => {
    const s = new FairScheduler({
      pools: [pool('p', { count: 1, cpu: 2 })],
      tenants: [tenant('heavy'), tenant('light'), tenant('vip', 'premium')],
    });
    // heavy holds one slot for long; the other slot frees up once per round.
    const long = job('heavy', { outputTokens: 1_000_000 });
    let turn = job('light');
    s.submit(long, 0);
    s.submit(turn, 0);
    assert.equal(binds(s.schedule(0)).length, 2);
    const h = job('heavy');
    const l = job('light');
    const v = job('vip', { tier: 'premium' });
    for (const j of [h, l, v]) s.submit(j, 1);
    const order: string[] = [];
    for (let t = 2; order.length < 3; t++) {
      s.complete(turn.id, t * 1000);
      const [b] = binds(s.schedule(t * 1000));
      assert.ok(b);
      order.push(b.jobId);
      turn = { ...turn, id: b.jobId };
    }
    assert.deepEqual(order, [v.id, l.id, h.id], 'premium first, then the tenant with the smaller share');
  });

  it('counts recent usage in the share, so a tenant that held the pool lately goes after one that did not', () => {
    const run = (usageHalfLifeMs: number): string[] => {
      const s = new FairScheduler({ pools: [pool('p', { count: 1, cpu: 2 })], tenants: [tenant('a'), tenant('b')] }, { usageHalfLifeMs });
      // a holds both slots for 300 s while b has nothing to run.
      const held = [job('a', { outputTokens: 2999 }), job('a', { outputTokens: 2999 })];
      for (const j of held) s.submit(j, 0);
      assert.equal(binds(s.schedule(0)).length, 2);
      const queued = [job('a'), job('a'), job('b'), job('b')];
      for (const j of queued) s.submit(j, 1);
      assert.equal(binds(s.schedule(1)).length, 0);
      for (const j of held) s.complete(j.id, 300_000);
      const tenantOf = new Map(queued.map((j) => [j.id, j.tenantId]));
      return binds(s.schedule(300_000)).map((b) => tenantOf.get(b.jobId) as string);
    };
    assert.deepEqual(run(0).sort(), ['a', 'b'], 'without memory the running shares are equal: one slot each');
    assert.deepEqual(run(120_000), ['b', 'b'], 'with memory b makes up for the time a held the pool');
  });

  it('waits for a loaded replica when it frees sooner than a new one starts', () => {
    const s = new FairScheduler({ pools: [pool('p', { count: 2, cpu: 1 })], tenants: [tenant('a')] });
    const a = job('a', { outputTokens: 10 });
    s.submit(a, 0);
    s.schedule(0);
    s.submit(job('a'), 10_500);
    assert.equal(s.schedule(10_500).length, 0, 'the running job ends at 11 s, a cold start would take 10 s');
    assert.equal(s.pendingCount, 1);
    const s2 = new FairScheduler({ pools: [pool('p', { count: 2, cpu: 1 })], tenants: [tenant('a')] });
    s2.submit(job('a', { outputTokens: 1000 }), 0);
    s2.schedule(0);
    s2.submit(job('a'), 10_500);
    const [b] = binds(s2.schedule(10_500));
    assert.equal(b?.node, 'p-1', 'the running job has 100 s left: scale up');
  });
});

describe('FairScheduler preemption', () => {
  it('reclaims borrowed quota for the owner with the fewest victims', () => {
    const s = new FairScheduler(
      { pools: [pool('p', { count: 1, cpu: 4 })], tenants: [tenant('owner', 'standard', 2), tenant('borrower', 'standard', 2)] },
      { preemptAfterWaitMs: 0 },
    );
    const borrowed = [job('borrower'), job('borrower'), job('borrower'), job('borrower')];
    for (const j of borrowed) s.submit(j, 0);
    assert.equal(binds(s.schedule(0)).length, 4);
    const mine = job('owner', { resources: { cpu: 2, memoryMiB: 2048, gpu: 0 } });
    s.submit(mine, 20_000);
    const ds = s.schedule(20_000);
    const evicted = ds.filter((d) => d.kind === 'preempt');
    assert.equal(evicted.length, 2, 'exactly the borrowed part');
    assert.ok(evicted.every((d) => d.kind === 'preempt' && d.reason === 'reclaim' && d.by === mine.id));
    assert.equal(binds(ds)[0]?.jobId, mine.id);
    assert.equal(s.pendingCount, 2, 'victims are queued again');
    assert.equal(s.preemptionCount, 2);
  });

  it('does not evict work that runs within its own nominal quota, nor a higher tier', () => {
    const s = new FairScheduler(
      {
        pools: [pool('p', { count: 1, cpu: 2 })],
        tenants: [tenant('a', 'standard', 1), tenant('b', 'premium', 1), tenant('c', 'standard', 1)],
      },
      { preemptAfterWaitMs: 0 },
    );
    s.submit(job('a'), 0);
    s.submit(job('b', { tier: 'premium' }), 0);
    s.schedule(0);
    s.submit(job('c'), 20_000);
    assert.equal(s.schedule(20_000).length, 0);
  });

  it('moves work evicted by a spot reclaim to on-demand capacity', () => {
    const s = new FairScheduler({
      pools: [
        pool('spot', {
          count: 1,
          spot: true,
          taints: [{ key: 'mcp.platform/spot', value: 'true', effect: 'NoSchedule' }],
          costPerNodeHour: 0.1,
        }),
        pool('od', { count: 1 }),
      ],
      tenants: [tenant('a')],
    });
    const j = job('a', { spotTolerant: true });
    s.submit(j, 0);
    assert.equal(binds(s.schedule(0))[0]?.pool, 'spot');
    const evicted = s.reclaimSpot('spot-0', 5_000, 600_000);
    assert.deepEqual(
      evicted.map((e) => [e.jobId, e.reason]),
      [[j.id, 'spot-reclaim']],
    );
    assert.equal(binds(s.schedule(5_000))[0]?.pool, 'od');
  });
});

describe('FairScheduler replicas', () => {
  it('pre-warms the minimum, hibernates idle replicas after the TTL and resumes them fast', () => {
    const s = new FairScheduler(
      { pools: [pool('p', { count: 3, models: [serving('m', { minWarmReplicas: 1 }), serving('other')] })], tenants: [tenant('a')] },
      { idleTtlMs: 60_000 },
    );
    s.tick(0);
    assert.equal(s.cluster.counters.prewarms, 1);
    s.submit(job('a', { model: 'other' }), 20_000);
    const [b] = binds(s.schedule(20_000));
    assert.ok(b);
    s.complete(b.jobId, 40_000);
    s.tick(90_000);
    assert.equal(s.cluster.counters.hibernations, 0, 'idle for 50 s only');
    s.tick(101_000);
    assert.equal(s.cluster.counters.hibernations, 1, 'the pre-warmed replica stays, the other hibernates');
    assert.equal(s.cluster.pools[0]?.loaded.get('m')?.size, 1);
    s.submit(job('a', { model: 'other' }), 200_000);
    const [again] = binds(s.schedule(200_000));
    assert.equal(again?.node, b.node, 'the node that kept the snapshot');
    assert.equal(again?.startAt, 201_000, 'resume (1 s), not a cold start (10 s)');
  });
});
