// Runtime state of the node pools: what each node has loaded, what runs on it, what is
// free, and the replica lifecycle (cold start, pre-warm, hibernation after an idle TTL,
// resume from a kept snapshot, spot reclaim). Shared by the fair scheduler and the
// baselines so that every policy is judged on the same mechanics.
//
// A node hosts one model replica at a time; the replica runs as many sequences as the
// node's allocatable resources admit (continuous batching). A node is "on" (costing money)
// while starting or ready, and "off" when hibernated, keeping a snapshot of the model it
// served so that a later start for that model is a resume rather than a cold start.

import { IndexedHeap } from './heap.js';
import {
  RESOURCE_NAMES,
  TIER_BAND,
  type Binding,
  type JobSpec,
  type ModelServing,
  type NodeSpec,
  type PoolSpec,
  type Resources,
  type Toleration,
} from './types.js';

export interface RunningJob {
  spec: JobSpec;
  node: NodeState;
  startAt: number;
  endAt: number;
  boundAt: number;
}

export interface NodeState {
  readonly spec: NodeSpec;
  readonly pool: PoolState;
  readonly free: Resources;
  on: boolean;
  /** Model loaded (or loading) while on. */
  model: string | null;
  /** Model whose state was kept when the node hibernated. */
  snapshot: string | null;
  readyAt: number;
  idleSince: number;
  onSince: number;
  onMs: number;
  /** Spot capacity taken back by the provider: unusable until then. */
  unavailableUntil: number;
  readonly jobs: Set<RunningJob>;
}

export interface PoolState {
  readonly spec: PoolSpec;
  readonly index: number;
  readonly nodes: NodeState[];
  readonly serving: Map<string, ModelServing>;
  /** Nodes that are on with the model loaded or loading, by model. */
  readonly loaded: Map<string, Set<NodeState>>;
  /** Running jobs by model, earliest expected end first: when a slot frees up. */
  readonly ending: Map<string, IndexedHeap<RunningJob>>;
  /** Nodes that are on and run nothing. */
  readonly idle: Set<NodeState>;
  readonly off: Set<NodeState>;
  /** 0 for the cheapest pool per node-hour, 1 for the dearest. */
  costRank: number;
  readonly capacity: Resources;
  readonly used: Resources;
  /** Running jobs per tier band: whether a preemption by band could find victims here. */
  readonly runningByBand: number[];
  /** Componentwise minimum of the requests seen for models this pool serves: a node of
   * the pool that cannot fit it fits nothing. */
  smallest: Resources | null;
}

export interface ClusterCounters {
  coldStarts: number;
  resumes: number;
  hibernations: number;
  prewarms: number;
  spotReclaims: number;
}

export function tolerates(tolerations: readonly Toleration[], pool: PoolSpec): boolean {
  for (const taint of pool.taints) {
    if (taint.effect === 'PreferNoSchedule') continue;
    const ok = tolerations.some(
      (t) =>
        t.key === taint.key &&
        (t.effect === undefined || t.effect === taint.effect) &&
        (t.operator === 'Exists' || t.value === taint.value),
    );
    if (!ok) return false;
  }
  return true;
}

/** Taint a spot pool carries; only spot-tolerant jobs tolerate it. */
export const SPOT_TAINT_KEY = 'mcp.platform/spot';
/** Taint GPU pools carry; tolerated by jobs that request GPUs (as Kubernetes'
 * ExtendedResourceToleration admission plugin does). */
export const GPU_TAINT_KEY = 'nvidia.com/gpu';

/**
 * The tolerations a job bound to this pool carries. A pool's own dedication taints are
 * tolerated by every job the scheduler sends there; the spot and GPU taints only by jobs
 * that accept spot capacity or request GPUs, which is what keeps other jobs off them.
 */
export function jobTolerations(pool: PoolSpec, job: Pick<JobSpec, 'resources'>, spotAllowed: boolean): Toleration[] {
  const out: Toleration[] = [];
  for (const t of pool.taints) {
    if (t.key === SPOT_TAINT_KEY && !spotAllowed) continue;
    if (t.key === GPU_TAINT_KEY && !(job.resources.gpu > 0)) continue;
    out.push(
      t.value === undefined
        ? { key: t.key, operator: 'Exists', effect: t.effect }
        : { key: t.key, operator: 'Equal', value: t.value, effect: t.effect },
    );
  }
  return out;
}

export function fits(free: Resources, req: Resources): boolean {
  return free.cpu >= req.cpu && free.memoryMiB >= req.memoryMiB && free.gpu >= req.gpu;
}

export function serviceMs(serving: ModelServing, job: JobSpec): number {
  return (job.promptTokens / serving.prefillTokensPerSec) * 1000 + (job.outputTokens / serving.decodeTokensPerSec) * 1000;
}

export function prefillMs(serving: ModelServing, job: JobSpec): number {
  return (job.promptTokens / serving.prefillTokensPerSec) * 1000;
}

export class ClusterState {
  readonly pools: PoolState[] = [];
  readonly poolByName = new Map<string, PoolState>();
  readonly nodeByName = new Map<string, NodeState>();
  readonly running = new Map<string, RunningJob>();
  readonly counters: ClusterCounters = { coldStarts: 0, resumes: 0, hibernations: 0, prewarms: 0, spotReclaims: 0 };
  /** Total allocatable per resource, the denominator of dominant shares. */
  readonly capacity: Resources = { cpu: 0, memoryMiB: 0, gpu: 0 };
  /** Nodes that could take the smallest request now (off and available, or enough free). */
  private readonly roomy = new Set<NodeState>();
  private readonly unavailable = new Set<NodeState>();

  constructor(
    specs: readonly PoolSpec[],
    private readonly idleTtlMs: number,
  ) {
    const costs = specs.map((p) => p.costPerNodeHour);
    const maxCost = Math.max(0, ...costs);
    const minCost = Math.min(maxCost, ...costs);
    specs.forEach((spec, index) => {
      if (this.poolByName.has(spec.name)) throw new Error(`duplicate pool ${spec.name}`);
      const pool: PoolState = {
        spec,
        index,
        nodes: [],
        serving: new Map(spec.models.map((m) => [m.model, m])),
        loaded: new Map(spec.models.map((m) => [m.model, new Set<NodeState>()])),
        ending: new Map(spec.models.map((m) => [m.model, new IndexedHeap<RunningJob>((a, b) => a.endAt < b.endAt)])),
        idle: new Set(),
        off: new Set(),
        costRank: maxCost > minCost ? (spec.costPerNodeHour - minCost) / (maxCost - minCost) : 0,
        capacity: { cpu: 0, memoryMiB: 0, gpu: 0 },
        used: { cpu: 0, memoryMiB: 0, gpu: 0 },
        smallest: null,
        runningByBand: [0, 0, 0],
      };
      for (const ns of spec.nodes) {
        if (this.nodeByName.has(ns.name)) throw new Error(`duplicate node ${ns.name}`);
        const node: NodeState = {
          spec: ns,
          pool,
          free: { ...ns.allocatable },
          on: false,
          model: null,
          snapshot: null,
          readyAt: 0,
          idleSince: 0,
          onSince: 0,
          onMs: 0,
          unavailableUntil: 0,
          jobs: new Set(),
        };
        pool.nodes.push(node);
        pool.off.add(node);
        this.nodeByName.set(ns.name, node);
        for (const r of RESOURCE_NAMES) {
          pool.capacity[r] += ns.allocatable[r];
          this.capacity[r] += ns.allocatable[r];
        }
      }
      this.pools.push(pool);
      this.poolByName.set(spec.name, pool);
    });
  }

  /** Register a request shape so `hasRoom` stays exact. */
  noteRequest(model: string, req: Resources): void {
    for (const pool of this.pools) {
      if (!pool.serving.has(model)) continue;
      const s = pool.smallest;
      if (s && s.cpu <= req.cpu && s.memoryMiB <= req.memoryMiB && s.gpu <= req.gpu) continue;
      pool.smallest = s
        ? { cpu: Math.min(s.cpu, req.cpu), memoryMiB: Math.min(s.memoryMiB, req.memoryMiB), gpu: Math.min(s.gpu, req.gpu) }
        : { ...req };
      for (const node of pool.nodes) this.refreshRoom(node);
    }
  }

  /** False when no node could take any request seen so far: a scheduling pass can stop. */
  hasRoom(now: number): boolean {
    for (const node of this.unavailable) {
      if (node.unavailableUntil <= now) {
        node.unavailableUntil = 0;
        this.unavailable.delete(node);
        this.refreshRoom(node);
      }
    }
    return this.roomy.size > 0;
  }

  private refreshRoom(node: NodeState): void {
    const s = node.pool.smallest;
    if (s && node.unavailableUntil === 0 && (!node.on || fits(node.free, s) || node.jobs.size === 0)) this.roomy.add(node);
    else this.roomy.delete(node);
  }

  /** Delay before a node can run `model` if a job were bound to it now. */
  startDelay(node: NodeState, model: string, now: number): number {
    const serving = node.pool.serving.get(model) as ModelServing;
    if (node.on && node.model === model) return Math.max(0, node.readyAt - now);
    if (!node.on && node.snapshot === model) return serving.resumeMs;
    return serving.coldStartMs;
  }

  /** Can the node take a job of this model without evicting anything? */
  canHost(node: NodeState, model: string, now: number): boolean {
    if (node.unavailableUntil > now) return false;
    if (node.on && node.model !== model && node.jobs.size > 0) return false;
    return true;
  }

  bind(job: JobSpec, node: NodeState, now: number): Binding {
    const pool = node.pool;
    const serving = pool.serving.get(job.model);
    if (!serving) throw new Error(`pool ${pool.spec.name} does not serve ${job.model}`);
    if (!this.canHost(node, job.model, now) || !fits(node.free, job.resources)) {
      throw new Error(`node ${node.spec.name} cannot host job ${job.id}`);
    }
    const warm = node.on && node.model === job.model && node.readyAt <= now;
    if (!node.on || node.model !== job.model) this.load(node, job.model, now);
    for (const r of RESOURCE_NAMES) {
      node.free[r] -= job.resources[r];
      pool.used[r] += job.resources[r];
    }
    pool.idle.delete(node);
    const startAt = Math.max(now, node.readyAt);
    const endAt = startAt + serviceMs(serving, job);
    const rj: RunningJob = { spec: job, node, startAt, endAt, boundAt: now };
    node.jobs.add(rj);
    pool.ending.get(job.model)?.push(rj);
    pool.runningByBand[TIER_BAND[job.tier]]++;
    this.running.set(job.id, rj);
    this.refreshRoom(node);
    return {
      kind: 'bind',
      jobId: job.id,
      pool: pool.spec.name,
      node: node.spec.name,
      backendUrl: serving.backendUrl,
      warm,
      startAt,
      expectedEndAt: endAt,
    };
  }

  unbind(jobId: string, now: number): RunningJob | undefined {
    const rj = this.running.get(jobId);
    if (!rj) return undefined;
    this.running.delete(jobId);
    const node = rj.node;
    node.jobs.delete(rj);
    node.pool.ending.get(rj.spec.model)?.remove(rj);
    node.pool.runningByBand[TIER_BAND[rj.spec.tier]]--;
    for (const r of RESOURCE_NAMES) {
      node.free[r] += rj.spec.resources[r];
      node.pool.used[r] -= rj.spec.resources[r];
    }
    if (node.jobs.size === 0 && node.on) {
      node.idleSince = Math.max(now, node.readyAt);
      node.pool.idle.add(node);
    }
    this.refreshRoom(node);
    return rj;
  }

  /** Start (or switch) a node to serve `model`; a pre-warm is the same without a job. */
  load(node: NodeState, model: string, now: number): void {
    const pool = node.pool;
    const serving = pool.serving.get(model) as ModelServing;
    if (node.on) {
      if (node.model) pool.loaded.get(node.model)?.delete(node);
      node.readyAt = now + serving.coldStartMs;
      this.counters.coldStarts++;
    } else {
      const resume = node.snapshot === model;
      node.readyAt = now + (resume ? serving.resumeMs : serving.coldStartMs);
      if (resume) this.counters.resumes++;
      else this.counters.coldStarts++;
      node.on = true;
      node.onSince = now;
      pool.off.delete(node);
    }
    node.model = model;
    node.snapshot = null;
    node.idleSince = node.readyAt;
    pool.loaded.get(model)?.add(node);
    if (node.jobs.size === 0) pool.idle.add(node);
  }

  hibernate(node: NodeState, now: number, keepSnapshot: boolean): void {
    if (!node.on) return;
    const pool = node.pool;
    if (node.model) pool.loaded.get(node.model)?.delete(node);
    node.snapshot = keepSnapshot ? node.model : null;
    node.model = null;
    node.on = false;
    node.onMs += now - node.onSince;
    pool.idle.delete(node);
    pool.off.add(node);
    this.counters.hibernations++;
    this.refreshRoom(node);
  }

  /**
   * Hibernate replicas idle past the TTL, keeping each pool's pre-warm minimum loaded, then
   * start replicas to bring every pre-warmed model back to its minimum.
   */
  maintainReplicas(now: number): void {
    for (const pool of this.pools) {
      for (const node of [...pool.idle]) {
        if (now - node.idleSince < this.idleTtlMs || node.readyAt > now) continue;
        const model = node.model as string;
        const min = pool.serving.get(model)?.minWarmReplicas ?? 0;
        if (min > 0 && (pool.loaded.get(model)?.size ?? 0) <= min) continue;
        this.hibernate(node, now, true);
      }
      for (const serving of pool.spec.models) {
        const min = serving.minWarmReplicas ?? 0;
        let have = pool.loaded.get(serving.model)?.size ?? 0;
        while (have < min) {
          const node = this.pickPrewarmNode(pool, serving.model, now);
          if (!node) break;
          this.load(node, serving.model, now);
          this.counters.prewarms++;
          have++;
        }
      }
    }
  }

  private pickPrewarmNode(pool: PoolState, model: string, now: number): NodeState | undefined {
    let fallback: NodeState | undefined;
    for (const node of pool.off) {
      if (node.unavailableUntil > now) continue;
      if (node.snapshot === model) return node;
      fallback ??= node;
    }
    return fallback;
  }

  /** The provider takes a spot node back: everything on it is evicted, its state is lost. */
  reclaimSpotNode(nodeName: string, now: number, unavailableUntil: number): RunningJob[] {
    const node = this.nodeByName.get(nodeName);
    if (!node) throw new Error(`unknown node ${nodeName}`);
    if (!node.pool.spec.spot) throw new Error(`node ${nodeName} is not spot capacity`);
    const evicted = [...node.jobs];
    for (const rj of evicted) this.unbind(rj.spec.id, now);
    this.hibernate(node, now, false);
    this.counters.hibernations--;
    this.counters.spotReclaims++;
    node.unavailableUntil = unavailableUntil;
    this.unavailable.add(node);
    this.roomy.delete(node);
    return evicted;
  }

  /** Money spent on nodes that were on, up to `now`. */
  cost(now: number): number {
    let total = 0;
    for (const pool of this.pools) total += (this.onMs(pool, now) / 3_600_000) * pool.spec.costPerNodeHour;
    return total;
  }

  onMs(pool: PoolState, now: number): number {
    let ms = 0;
    for (const node of pool.nodes) ms += node.onMs + (node.on ? now - node.onSince : 0);
    return ms;
  }

  /** Fraction of the pool's dominant resource in use by running jobs. */
  utilization(pool: PoolState): number {
    let u = 0;
    for (const r of RESOURCE_NAMES) if (pool.capacity[r] > 0) u = Math.max(u, pool.used[r] / pool.capacity[r]);
    return u;
  }
}
