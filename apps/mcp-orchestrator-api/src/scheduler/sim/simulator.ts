// Discrete-event replay of a mapped trace through a scheduling policy with simulated time:
// arrivals, completions, replica maintenance ticks and spot reclaims are events; the
// policy is the same code the orchestrator runs, fed `now` by the simulator.

import { prefillMs, type ClusterState } from '../core/cluster.js';
import { FairScheduler } from '../core/fair-scheduler.js';
import { IndexedHeap } from '../core/heap.js';
import type { SchedulingPolicy } from '../core/policy.js';
import { DEFAULT_CONFIG, type Decision, type JobSpec, type ModelServing, type SchedulerConfig } from '../core/types.js';
import { BaselineScheduler, type BaselineName } from './baselines.js';
import type { MappedJob } from './mapping.js';
import { seededRng } from './rng.js';
import type { Scenario } from './scenario.js';

export type PolicyName = 'fair' | BaselineName;
export const POLICY_NAMES: readonly PolicyName[] = ['fair', 'fifo', 'round-robin', 'least-loaded'];

export interface JobRecord {
  spec: JobSpec;
  arrival: number;
  /** Intervals during which the job held resources on a node (one per attempt). */
  held: [number, number][];
  startAt: number;
  firstTokenAt: number;
  endAt: number;
  pool: string;
  warm: boolean;
  preemptions: number;
  attempt: number;
  done: boolean;
}

export interface Sample {
  t: number;
  pending: number;
  running: number;
  /** Dominant-resource utilization per pool, in scenario order. */
  util: number[];
  nodesOn: number[];
}

export interface SimResult {
  policy: PolicyName;
  jobs: JobRecord[];
  samples: Sample[];
  endMs: number;
  cost: number;
  costByPool: number[];
  poolNames: string[];
  cluster: ClusterState;
  preemptions: { reclaimOrPriority: number; spot: number };
  wallMs: number;
}

export interface SimOptions {
  tickMs?: number;
  sampleMs?: number;
  seed?: number;
  config?: Partial<SchedulerConfig>;
}

interface SimEvent {
  t: number;
  seq: number;
  kind: 'complete' | 'tick' | 'reclaim';
  jobId?: string;
  attempt?: number;
  node?: string;
}

export function makePolicy(name: PolicyName, scenario: Scenario, config: Partial<SchedulerConfig> = {}): SchedulingPolicy {
  const merged = { ...scenario.file.config, ...config };
  if (name === 'fair') return new FairScheduler(scenario.cluster, merged);
  return new BaselineScheduler(name, scenario.cluster, merged.idleTtlMs ?? DEFAULT_CONFIG.idleTtlMs);
}

export function simulate(policyName: PolicyName, scenario: Scenario, jobs: readonly MappedJob[], opts: SimOptions = {}): SimResult {
  const wallStart = performance.now();
  const tickMs = opts.tickMs ?? 1000;
  const sampleMs = opts.sampleMs ?? 10_000;
  const policy = makePolicy(policyName, scenario, opts.config);
  const cluster = policy.cluster;
  const events = new IndexedHeap<SimEvent>((a, b) => (a.t !== b.t ? a.t < b.t : a.seq < b.seq));
  let seq = 0;
  const push = (e: Omit<SimEvent, 'seq'>): void => events.push({ ...e, seq: seq++ });
  const records = new Map<string, JobRecord>();
  const samples: Sample[] = [];
  const preemptions = { reclaimOrPriority: 0, spot: 0 };
  const lastArrival = jobs.length ? (jobs[jobs.length - 1] as MappedJob).arrivalMs : 0;

  // Spot reclaims: a Poisson process per spot node, seeded, over the arrival span.
  const sr = scenario.file.spotReclaim;
  if (sr && sr.perNodeHour > 0) {
    const rng = seededRng((opts.seed ?? scenario.file.mapping?.seed ?? 1) ^ 0x5bd1e995);
    for (const pool of cluster.pools) {
      if (!pool.spec.spot) continue;
      for (const node of pool.nodes) {
        let t = 0;
        for (;;) {
          t += (-Math.log(1 - rng()) / sr.perNodeHour) * 3_600_000;
          if (t > lastArrival) break;
          push({ t, kind: 'reclaim', node: node.spec.name });
        }
      }
    }
  }

  const apply = (decisions: Decision[], now: number): void => {
    for (const d of decisions) {
      const rec = records.get(d.jobId) as JobRecord;
      if (d.kind === 'preempt') {
        const last = rec.held[rec.held.length - 1];
        if (last) last[1] = now;
        rec.attempt++;
        rec.preemptions++;
        if (d.reason === 'spot-reclaim') preemptions.spot++;
        else preemptions.reclaimOrPriority++;
        continue;
      }
      const pool = cluster.poolByName.get(d.pool);
      const serving = pool?.serving.get(rec.spec.model) as ModelServing;
      rec.held.push([now, d.expectedEndAt]);
      rec.startAt = d.startAt;
      rec.firstTokenAt = d.startAt + prefillMs(serving, rec.spec);
      rec.endAt = d.expectedEndAt;
      rec.pool = d.pool;
      rec.warm = d.warm;
      push({ t: d.expectedEndAt, kind: 'complete', jobId: d.jobId, attempt: rec.attempt });
    }
  };

  let next = 0;
  let now = 0;
  let nextTick = 0;
  let nextSample = 0;
  let doneCount = 0;
  policy.tick(0);
  while (doneCount < jobs.length) {
    const arrivalAt = next < jobs.length ? (jobs[next] as MappedJob).arrivalMs : Infinity;
    const eventAt = events.peek()?.t ?? Infinity;
    const t = Math.min(arrivalAt, eventAt, nextTick);
    if (t > lastArrival + 86_400_000) {
      throw new Error(`${policyName}: ${policy.pendingCount} job(s) still unplaceable a day after the last arrival`);
    }
    while (nextSample <= t) {
      samples.push(sample(nextSample, policy));
      nextSample += sampleMs;
    }
    now = t;
    if (t === nextTick) {
      policy.tick(now);
      nextTick += tickMs;
    } else if (t === arrivalAt) {
      const job = jobs[next++] as MappedJob;
      records.set(job.spec.id, {
        spec: job.spec,
        arrival: job.arrivalMs,
        held: [],
        startAt: NaN,
        firstTokenAt: NaN,
        endAt: NaN,
        pool: '',
        warm: false,
        preemptions: 0,
        attempt: 0,
        done: false,
      });
      policy.submit(job.spec, now);
    } else {
      const e = events.pop() as SimEvent;
      if (e.kind === 'complete') {
        const rec = records.get(e.jobId as string) as JobRecord;
        if (e.attempt !== rec.attempt || rec.done) continue;
        rec.done = true;
        doneCount++;
        policy.complete(rec.spec.id, now);
      } else if (e.kind === 'reclaim') {
        const downMs = (sr as { downMs: number }).downMs;
        apply(policy.reclaimSpot(e.node as string, now, now + downMs), now);
      }
    }
    apply(policy.schedule(now), now);
  }
  samples.push(sample(now, policy));
  return {
    policy: policyName,
    jobs: [...records.values()],
    samples,
    endMs: now,
    cost: cluster.cost(now),
    costByPool: cluster.pools.map((p) => (cluster.onMs(p, now) / 3_600_000) * p.spec.costPerNodeHour),
    poolNames: cluster.pools.map((p) => p.spec.name),
    cluster,
    preemptions,
    wallMs: performance.now() - wallStart,
  };
}

function sample(t: number, policy: SchedulingPolicy): Sample {
  const c = policy.cluster;
  return {
    t,
    pending: policy.pendingCount,
    running: c.running.size,
    util: c.pools.map((p) => c.utilization(p)),
    nodesOn: c.pools.map((p) => p.nodes.length - p.off.size),
  };
}
