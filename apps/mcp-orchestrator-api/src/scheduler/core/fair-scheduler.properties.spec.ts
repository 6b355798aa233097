import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { FairScheduler } from './fair-scheduler.js';
import { POOL_KINDS, RESOURCE_NAMES, type ClusterSpec, type Decision, type SchedulerConfig, type Tier } from './types.js';

// Random operation sequences against the real scheduler: submit, complete, schedule, tick,
// spot reclaim; invariants are checked after every step.

interface World {
  spec: ClusterSpec;
  tenants: { id: string; tier: Tier }[];
}

const big = { cpu: 1000, memoryMiB: 1_000_000, gpu: 0 };

/** Two pools (one spot) of 4-cpu nodes, tenants whose nominal quotas add up to the capacity. */
function world(tiers: Tier[], nodesPerPool: number): World {
  const total = 4 * nodesPerPool * 2;
  const share = Math.floor(total / tiers.length);
  const tenants = tiers.map((tier, i) => ({ id: `t${i}`, tier }));
  const serving = {
    model: 'm',
    prefillTokensPerSec: 1000,
    decodeTokensPerSec: 10,
    coldStartMs: 100,
    resumeMs: 10,
    backendUrl: 'http://127.0.0.1:8090/v1',
  };
  const nodes = (prefix: string) =>
    Array.from({ length: nodesPerPool }, (_, n) => ({ name: `${prefix}-${n}`, allocatable: { cpu: 4, memoryMiB: 4096, gpu: 0 } }));
  return {
    tenants,
    spec: {
      pools: [
        { name: 'od', kind: 'compute', spot: false, costPerNodeHour: 2, labels: {}, taints: [], nodes: nodes('od'), models: [serving] },
        {
          name: 'spot',
          kind: 'compute',
          spot: true,
          costPerNodeHour: 1,
          labels: {},
          taints: [{ key: 'mcp.platform/spot', value: 'true', effect: 'NoSchedule' }],
          nodes: nodes('spot'),
          models: [serving],
        },
      ],
      tenants: tenants.map((t) => ({
        id: t.id,
        tier: t.tier,
        weight: 1,
        cohort: 'c',
        quotas: {
          compute: {
            nominal: { cpu: share, memoryMiB: share * 1024, gpu: 0 },
            borrowingLimit: big,
            lendingLimit: { cpu: share, memoryMiB: share * 1024, gpu: 0 },
          },
        },
      })),
    },
  };
}

type Op =
  | { op: 'submit'; tenant: number; priority: number; spot: boolean; tokens: number }
  | { op: 'complete'; pick: number }
  | { op: 'tick'; dt: number }
  | { op: 'reclaim'; node: number };

const opArb = (tenants: number, nodes: number): fc.Arbitrary<Op> =>
  fc.oneof(
    {
      weight: 5,
      arbitrary: fc.record({
        op: fc.constant('submit' as const),
        tenant: fc.nat(tenants - 1),
        priority: fc.constantFrom(0, 10),
        spot: fc.boolean(),
        tokens: fc.integer({ min: 1, max: 400 }),
      }),
    },
    { weight: 3, arbitrary: fc.record({ op: fc.constant('complete' as const), pick: fc.nat(1000) }) },
    { weight: 1, arbitrary: fc.record({ op: fc.constant('tick' as const), dt: fc.integer({ min: 1, max: 5000 }) }) },
    { weight: 1, arbitrary: fc.record({ op: fc.constant('reclaim' as const), node: fc.nat(nodes - 1) }) },
  );

interface Run {
  s: FairScheduler;
  now: number;
  decisions: Decision[];
  seq: number;
}

function apply(run: Run, w: World, op: Op, nodesPerPool: number): void {
  const { s } = run;
  switch (op.op) {
    case 'submit': {
      const t = w.tenants[op.tenant % w.tenants.length] as { id: string; tier: Tier };
      s.submit(
        {
          id: `j${run.seq++}`,
          tenantId: t.id,
          tier: t.tier,
          model: 'm',
          priority: op.priority,
          promptTokens: op.tokens,
          outputTokens: op.tokens,
          resources: { cpu: 1, memoryMiB: 1024, gpu: 0 },
          spotTolerant: op.spot,
        },
        run.now,
      );
      break;
    }
    case 'complete': {
      const ids = [...s.cluster.running.keys()];
      if (ids.length) s.complete(ids[op.pick % ids.length] as string, run.now);
      break;
    }
    case 'tick':
      run.now += op.dt;
      s.tick(run.now);
      break;
    case 'reclaim':
      run.decisions.push(...s.reclaimSpot(`spot-${op.node % nodesPerPool}`, run.now, run.now + 1000));
      break;
  }
  run.decisions.push(...s.schedule(run.now));
}

function assertQuotasHeld(s: FairScheduler, spec: ClusterSpec): void {
  for (const t of spec.tenants) {
    for (const kind of POOL_KINDS) {
      const q = t.quotas[kind];
      if (!q) continue;
      const used = s.ledger.usage(t.id, kind);
      for (const r of RESOURCE_NAMES) {
        assert.ok(used[r] <= q.nominal[r] + q.borrowingLimit[r] + 1e-9, `${t.id} ${kind}.${r} over nominal+borrowing`);
        assert.ok(used[r] >= -1e-9, `${t.id} ${kind}.${r} negative`);
      }
    }
  }
  const cohort = s.ledger.cohortState('c', 'compute');
  if (cohort) for (const r of RESOURCE_NAMES) assert.ok(cohort.drawn[r] <= cohort.lendable[r] + 1e-9, `cohort overdrawn on ${r}`);
  for (const pool of s.cluster.pools) {
    for (const node of pool.nodes) for (const r of RESOURCE_NAMES) assert.ok(node.free[r] >= -1e-9, `${node.spec.name} overcommitted`);
  }
}

const config = (over: Partial<SchedulerConfig>): Partial<SchedulerConfig> => ({ idleTtlMs: 2000, preemptAfterWaitMs: -1, ...over });

describe('fair scheduler properties', () => {
  it('never exceeds a quota, a cohort pool or a node, whatever the sequence', () => {
    const tiers: Tier[] = ['premium', 'standard', 'standard', 'free'];
    fc.assert(
      fc.property(fc.array(opArb(tiers.length, 2), { minLength: 40, maxLength: 160 }), fc.boolean(), (ops, withinTenant) => {
        const w = world(tiers, 2);
        const run: Run = { s: new FairScheduler(w.spec, config({ preemptWithinTenant: withinTenant })), now: 0, decisions: [], seq: 0 };
        for (const op of ops) {
          apply(run, w, op, 2);
          assertQuotasHeld(run.s, w.spec);
        }
      }),
      { numRuns: 100 },
    );
  });

  it('always lets a tenant below its nominal quota reclaim borrowed capacity at once', () => {
    const tiers: Tier[] = ['standard', 'standard', 'standard', 'standard'];
    let reclaims = 0;
    fc.assert(
      fc.property(fc.array(opArb(tiers.length, 2), { minLength: 40, maxLength: 100 }), fc.nat(tiers.length - 1), (ops, who) => {
        const w = world(tiers, 2);
        const run: Run = { s: new FairScheduler(w.spec, config({ scaleUpWaitRatio: -1 })), now: 0, decisions: [], seq: 0 };
        // No spot reclaims here: capacity the provider took away is nobody's to reclaim.
        for (const op of ops) if (op.op !== 'reclaim') apply(run, w, op, 2);
        const tenant = w.tenants[who] as { id: string; tier: Tier };
        const unit = { cpu: 1, memoryMiB: 1024, gpu: 0 };
        for (let k = 0; run.s.ledger.withinNominal(tenant.id, 'compute', unit); k++) {
          const before = run.s.ledger.usage(tenant.id, 'compute').cpu;
          run.s.submit(
            {
              id: `probe${k}`,
              tenantId: tenant.id,
              tier: tenant.tier,
              model: 'm',
              priority: 0,
              promptTokens: 1,
              outputTokens: 1,
              resources: unit,
              spotTolerant: true,
            },
            run.now,
          );
          reclaims += run.s.schedule(run.now).filter((d) => d.kind === 'preempt').length;
          // One pass admits one of its jobs (the probe or an older one queued ahead of it).
          assert.ok(run.s.ledger.usage(tenant.id, 'compute').cpu > before, `${tenant.id} below nominal got nothing back`);
          assertQuotasHeld(run.s, w.spec);
        }
      }),
      { numRuns: 100 },
    );
    assert.ok(reclaims > 0, `only ${reclaims} reclaims over all runs`);
  });

  it('never lets two jobs preempt each other', () => {
    const tiers: Tier[] = ['premium', 'standard', 'free', 'free'];
    let evictions = 0;
    fc.assert(
      fc.property(fc.array(opArb(tiers.length, 2), { minLength: 40, maxLength: 160 }), fc.boolean(), (ops, withinTenant) => {
        const w = world(tiers, 2);
        const run: Run = { s: new FairScheduler(w.spec, config({ preemptWithinTenant: withinTenant })), now: 0, decisions: [], seq: 0 };
        for (const op of ops) apply(run, w, op, 2);
        const pairs = new Set<string>();
        for (const d of run.decisions) if (d.kind === 'preempt' && d.by) pairs.add(`${d.by}>${d.jobId}`);
        evictions += pairs.size;
        for (const p of pairs) {
          const [a, b] = p.split('>');
          assert.ok(!pairs.has(`${b}>${a}`), `${a} and ${b} preempted each other`);
        }
      }),
      { numRuns: 100 },
    );
    // The property means something only if the sequences do make the scheduler preempt.
    assert.ok(evictions > 50, `only ${evictions} preemptions over all runs`);
  });
});
