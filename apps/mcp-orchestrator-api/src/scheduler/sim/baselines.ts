// The simple policies the fair scheduler is measured against. They run on the same
// ClusterState (same cold starts, hibernation TTL, spot reclaims, filters on model, taints
// and allowed pools) but know nothing of tiers, quotas, fair sharing, warm replicas,
// pre-warming or preemption, and keep one global queue in arrival order.
//
// - fifo: strict FIFO, the head blocks everything behind it; first node that fits, in
//   pool then node order (the classic FIFO + first-fit).
// - round-robin / least-loaded: arrival order with backfill over the first `window`
//   queued jobs; the node is the next fitting one after the last used (round robin) or
//   the fitting one with the most free capacity (least loaded).

import { ClusterState, fits, jobTolerations, tolerates, type NodeState, type RunningJob } from '../core/cluster.js';
import type { SchedulingPolicy } from '../core/policy.js';
import { RESOURCE_NAMES, type ClusterSpec, type Decision, type JobSpec, type Preemption } from '../core/types.js';

export type BaselineName = 'fifo' | 'round-robin' | 'least-loaded';

interface Queued {
  spec: JobSpec;
  seq: number;
  avoidSpot: boolean;
}

export class BaselineScheduler implements SchedulingPolicy {
  readonly cluster: ClusterState;
  private readonly queue: Queued[] = [];
  private readonly records = new Map<string, Queued>();
  private readonly nodes: NodeState[];
  private rrCursor = 0;
  private seq = 0;

  constructor(
    readonly name: BaselineName,
    spec: ClusterSpec,
    idleTtlMs: number,
    private readonly window = 64,
  ) {
    // Pre-warming is part of the platform's scheduler, not of the baselines.
    const pools = spec.pools.map((p) => ({ ...p, models: p.models.map((m) => ({ ...m, minWarmReplicas: 0 })) }));
    this.cluster = new ClusterState(pools, idleTtlMs);
    this.nodes = this.cluster.pools.flatMap((p) => p.nodes);
  }

  get pendingCount(): number {
    return this.queue.length;
  }

  submit(job: JobSpec, now: number): void {
    void now;
    this.insert({ spec: job, seq: this.seq++, avoidSpot: false });
  }

  cancel(jobId: string): boolean {
    const i = this.queue.findIndex((q) => q.spec.id === jobId);
    if (i < 0) return false;
    this.queue.splice(i, 1);
    return true;
  }

  complete(jobId: string, now: number): void {
    this.cluster.unbind(jobId, now);
    this.records.delete(jobId);
  }

  tick(now: number): void {
    this.cluster.maintainReplicas(now);
  }

  reclaimSpot(nodeName: string, now: number, unavailableUntil: number): Preemption[] {
    return this.cluster.reclaimSpotNode(nodeName, now, unavailableUntil).map((rj: RunningJob) => {
      const q = this.records.get(rj.spec.id) as Queued;
      q.avoidSpot = true;
      this.insert(q);
      return { kind: 'preempt', jobId: rj.spec.id, by: null, reason: 'spot-reclaim' } satisfies Preemption;
    });
  }

  schedule(now: number): Decision[] {
    const decisions: Decision[] = [];
    const limit = this.name === 'fifo' ? 1 : this.window;
    const blocked = new Set<string>();
    let i = 0;
    while (i < this.queue.length && i < limit) {
      const q = this.queue[i] as Queued;
      const key = `${q.spec.model}|${q.spec.resources.cpu}|${q.spec.resources.memoryMiB}|${q.spec.resources.gpu}|${q.spec.spotTolerant && !q.avoidSpot}`;
      const node = blocked.has(key) ? undefined : this.pick(q, now);
      if (!node) {
        blocked.add(key);
        i++;
        continue;
      }
      this.queue.splice(i, 1);
      this.records.set(q.spec.id, q);
      decisions.push(this.cluster.bind(q.spec, node, now));
    }
    return decisions;
  }

  private insert(q: Queued): void {
    let lo = 0;
    let hi = this.queue.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if ((this.queue[mid] as Queued).seq < q.seq) lo = mid + 1;
      else hi = mid;
    }
    this.queue.splice(lo, 0, q);
  }

  private usable(node: NodeState, q: Queued, now: number): boolean {
    const pool = node.pool.spec;
    const j = q.spec;
    if (!node.pool.serving.has(j.model)) return false;
    const spotAllowed = j.spotTolerant && !q.avoidSpot;
    if (pool.spot && !spotAllowed) return false;
    if (!tolerates(jobTolerations(pool, j, spotAllowed), pool)) return false;
    return this.cluster.canHost(node, j.model, now) && fits(node.free, j.resources);
  }

  private pick(q: Queued, now: number): NodeState | undefined {
    const n = this.nodes.length;
    if (this.name === 'fifo') {
      for (const node of this.nodes) if (this.usable(node, q, now)) return node;
      return undefined;
    }
    if (this.name === 'round-robin') {
      for (let k = 0; k < n; k++) {
        const idx = (this.rrCursor + k) % n;
        const node = this.nodes[idx] as NodeState;
        if (this.usable(node, q, now)) {
          this.rrCursor = (idx + 1) % n;
          return node;
        }
      }
      return undefined;
    }
    let best: NodeState | undefined;
    let bestFree = -1;
    for (const node of this.nodes) {
      if (!this.usable(node, q, now)) continue;
      let free = Infinity;
      for (const r of RESOURCE_NAMES) {
        const cap = node.spec.allocatable[r];
        if (cap > 0) free = Math.min(free, node.free[r] / cap);
      }
      if (free > bestFree) {
        best = node;
        bestFree = free;
      }
    }
    return best;
  }
}
