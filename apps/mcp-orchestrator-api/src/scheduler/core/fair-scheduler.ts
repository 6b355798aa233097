// The platform's scheduler: tier bands, weighted DRF between tenants, priority inside a
// tenant, Kueue-style quota admission with borrowing, filter → score → bind placement,
// scale-up on predicted wait, and loop-free minimal-victim preemption.
//
// Pending work is indexed so a decision costs O(log tenants + log jobs + nodes of the
// job's model): per band a heap of tenant queues ordered by weighted dominant share, per
// queue a heap of jobs ordered by priority then arrival, and per pass a cache of
// (pool, job shape) pairs known not to fit so a blocked shape is rejected in O(1).

import { ClusterState, fits, jobTolerations, serviceMs, tolerates, type NodeState, type PoolState, type RunningJob } from './cluster.js';
import { IndexedHeap } from './heap.js';
import type { SchedulingPolicy } from './policy.js';
import { QuotaLedger } from './quota.js';
import {
  DEFAULT_CONFIG,
  RESOURCE_NAMES,
  TIER_BAND,
  type Binding,
  type ClusterSpec,
  type Decision,
  type JobSpec,
  type ModelServing,
  type Preemption,
  type Resources,
  type SchedulerConfig,
  type TenantSpec,
} from './types.js';

interface TenantState {
  spec: TenantSpec;
  order: number;
  usage: Resources;
  /** Weighted dominant share: max over resources of usage / capacity, divided by weight. */
  share: number;
  queues: (LocalQueue | undefined)[];
  /** Running jobs per pool, for spread. */
  perPool: Map<number, number>;
  running: number;
}

/**
 * A tenant's pending jobs of one tier, split by shape (model, request, spot tolerance) so a
 * blocked shape never hides a different one behind it (Kueue's BestEffortFIFO, without
 * scanning): shapes are ordered by their head job, jobs in a shape by priority then arrival.
 */
interface LocalQueue {
  tenant: TenantState;
  band: number;
  size: number;
  shapes: Map<string, ShapeQueue>;
  order: IndexedHeap<ShapeQueue>;
}

interface ShapeQueue {
  key: string;
  jobs: IndexedHeap<PendingJob>;
}

const jobBefore = (a: PendingJob, b: PendingJob): boolean =>
  a.spec.priority !== b.spec.priority ? a.spec.priority > b.spec.priority : a.seq < b.seq;

interface PendingJob {
  spec: JobSpec;
  seq: number;
  band: number;
  /** Evicted from spot capacity: placed on on-demand pools from now on. */
  avoidSpot: boolean;
  /** Jobs that preempted this one; it may never preempt them back. */
  preemptedBy: Set<string> | null;
  /** Times evicted: victims already evicted often are chosen last, so none starves. */
  evictions: number;
}

interface Candidate {
  pool: PoolState;
  node: NodeState;
  score: number;
}

type PlaceOutcome = Candidate | 'wait' | 'nofit';

/** State of one scheduling pass: what it decided and what it learned does not fit. */
interface Pass {
  now: number;
  decisions: Decision[];
  /** (pool, job shape) → known not to fit, or better left waiting for a loaded replica. */
  shapes: Map<string, 'nofit' | 'wait'>;
  noPreempt: Set<string>;
  scans: number;
}

const BANDS = [2, 1, 0];

export class FairScheduler implements SchedulingPolicy {
  readonly name = 'fair';
  readonly cluster: ClusterState;
  readonly ledger: QuotaLedger;
  private readonly config: SchedulerConfig;
  private readonly tenants = new Map<string, TenantState>();
  private readonly bands = new Map<number, IndexedHeap<LocalQueue>>();
  private readonly pending = new Map<string, PendingJob>();
  /** Bound jobs keep their queue record so a preemption can requeue them in place. */
  private readonly admitted = new Map<string, PendingJob>();
  private readonly pendingByModel = new Map<string, number>();
  private readonly pendingByModelBand = new Map<string, number>();
  private seq = 0;
  private preemptions = 0;

  constructor(spec: ClusterSpec, config: Partial<SchedulerConfig> = {}) {
    this.config = { ...DEFAULT_CONFIG, ...config, weights: { ...DEFAULT_CONFIG.weights, ...config.weights } };
    this.cluster = new ClusterState(spec.pools, this.config.idleTtlMs);
    this.ledger = new QuotaLedger(spec.tenants);
    for (const band of BANDS) {
      this.bands.set(
        band,
        new IndexedHeap<LocalQueue>((a, b) =>
          a.tenant.share !== b.tenant.share ? a.tenant.share < b.tenant.share : a.tenant.order < b.tenant.order,
        ),
      );
    }
    spec.tenants.forEach((t) => this.addTenantState(t));
  }

  get pendingCount(): number {
    return this.pending.size;
  }

  get preemptionCount(): number {
    return this.preemptions;
  }

  /** Tenants onboarded while the scheduler runs. */
  addTenant(t: TenantSpec): void {
    this.ledger.addTenant(t);
    this.addTenantState(t);
  }

  hasTenant(id: string): boolean {
    return this.tenants.has(id);
  }

  tenantShare(id: string): number {
    return this.tenants.get(id)?.share ?? 0;
  }

  submit(job: JobSpec, now: number): void {
    void now;
    const tenant = this.tenants.get(job.tenantId);
    if (!tenant) throw new Error(`unknown tenant ${job.tenantId}`);
    if (this.pending.has(job.id) || this.cluster.running.has(job.id)) throw new Error(`duplicate job ${job.id}`);
    this.cluster.noteRequest(job.resources);
    this.enqueue({ spec: job, seq: this.seq++, band: TIER_BAND[job.tier], avoidSpot: false, preemptedBy: null, evictions: 0 });
  }

  cancel(jobId: string): boolean {
    const pj = this.pending.get(jobId);
    if (!pj) return false;
    const q = this.tenants.get(pj.spec.tenantId)?.queues[pj.band] as LocalQueue;
    const sq = q.shapes.get(this.pendingShape(pj)) as ShapeQueue;
    sq.jobs.remove(pj);
    this.afterTake(q, sq);
    this.pending.delete(jobId);
    this.countPending(pj, -1);
    return true;
  }

  complete(jobId: string, now: number): void {
    const rj = this.cluster.unbind(jobId, now);
    if (!rj) return;
    this.admitted.delete(jobId);
    this.charge(rj, -1);
  }

  tick(now: number): void {
    this.cluster.maintainReplicas(now);
  }

  reclaimSpot(nodeName: string, now: number, unavailableUntil: number): Preemption[] {
    const evicted = this.cluster.reclaimSpotNode(nodeName, now, unavailableUntil);
    return evicted.map((rj) => {
      this.charge(rj, -1);
      const pj = this.admitted.get(rj.spec.id) as PendingJob;
      this.admitted.delete(rj.spec.id);
      pj.avoidSpot = true;
      this.enqueue(pj);
      this.preemptions++;
      return { kind: 'preempt', jobId: rj.spec.id, by: null, reason: 'spot-reclaim' } satisfies Preemption;
    });
  }

  schedule(now: number): Decision[] {
    const pass: Pass = { now, decisions: [], shapes: new Map(), noPreempt: new Set(), scans: 0 };
    for (const band of BANDS) {
      const heap = this.bands.get(band) as IndexedHeap<LocalQueue>;
      const blocked: LocalQueue[] = [];
      while (heap.size > 0) {
        // Nothing fits anywhere and no eviction scan is left: the rest would only fail.
        if (!this.cluster.hasRoom(now) && pass.scans >= this.config.preemptionScansPerPass) break;
        const q = heap.peek() as LocalQueue;
        if (!this.admitFromQueue(q, pass)) {
          heap.remove(q);
          blocked.push(q);
        }
      }
      for (const q of blocked) heap.push(q);
    }
    return pass.decisions;
  }

  /** Try the head of each of the queue's shapes, best first; true when one was bound. */
  private admitFromQueue(q: LocalQueue, pass: Pass): boolean {
    const tried: ShapeQueue[] = [];
    let bound = false;
    while (q.order.size > 0) {
      const sq = q.order.pop() as ShapeQueue;
      tried.push(sq);
      const pj = sq.jobs.peek() as PendingJob;
      const outcome = this.place(pj, pass);
      if (typeof outcome === 'object') {
        pass.decisions.push(this.bind(pj, outcome.node, pass.now));
        bound = true;
      } else if (outcome === 'nofit' && this.config.preemption && this.preemptFor(pj, pass)) {
        bound = true;
      }
      if (bound) {
        sq.jobs.pop();
        break;
      }
    }
    for (const sq of tried) {
      if (sq.jobs.size > 0) q.order.push(sq);
      else q.shapes.delete(sq.key);
    }
    if (bound) q.size--;
    if (q.size === 0) this.bands.get(q.band)?.remove(q);
    return bound;
  }

  private afterTake(q: LocalQueue, sq: ShapeQueue): void {
    q.size--;
    if (sq.jobs.size === 0) {
      q.order.remove(sq);
      q.shapes.delete(sq.key);
    } else {
      q.order.update(sq);
    }
    if (q.size === 0) this.bands.get(q.band)?.remove(q);
  }

  private pendingShape(pj: PendingJob): string {
    const r = pj.spec.resources;
    return `${pj.spec.model}|${r.cpu}|${r.memoryMiB}|${r.gpu}|${pj.spec.spotTolerant && !pj.avoidSpot ? 1 : 0}`;
  }

  private shapeKey(pool: PoolState, j: JobSpec, avoidSpot: boolean): string {
    const r = j.resources;
    return `${pool.index}|${j.model}|${r.cpu}|${r.memoryMiB}|${r.gpu}|${j.spotTolerant && !avoidSpot ? 1 : 0}`;
  }

  private eligible(pool: PoolState, pj: PendingJob): boolean {
    const j = pj.spec;
    if (!pool.serving.has(j.model)) return false;
    const spotAllowed = j.spotTolerant && !pj.avoidSpot;
    if (pool.spec.spot && !spotAllowed) return false;
    if (!tolerates(jobTolerations(pool.spec, j, spotAllowed), pool.spec)) return false;
    const allowed = this.tenants.get(j.tenantId)?.spec.allowedPools;
    if (allowed && !allowed.includes(pool.spec.name)) return false;
    return this.ledger.hasFlavor(j.tenantId, pool.spec.kind);
  }

  /** Filter → score over every pool; 'wait' when a loaded replica is predicted to free up
   * sooner than a new one would start. */
  private place(pj: PendingJob, pass: Pass): PlaceOutcome {
    const j = pj.spec;
    let best: Candidate | undefined;
    let waiting = false;
    for (const pool of this.cluster.pools) {
      if (!this.eligible(pool, pj)) continue;
      if (!this.ledger.canAdmit(j.tenantId, pool.spec.kind, j.resources)) continue;
      const key = this.shapeKey(pool, j, pj.avoidSpot);
      const known = pass.shapes.get(key);
      if (known === 'nofit') continue;
      if (known === 'wait') {
        waiting = true;
        continue;
      }
      const c = this.pickNode(pool, j, pass.now);
      if (c === 'wait' || c === undefined) pass.shapes.set(key, c ?? 'nofit');
      if (c === 'wait') waiting = true;
      else if (c !== undefined && (!best || c.score > best.score)) best = c;
    }
    return best ?? (waiting ? 'wait' : 'nofit');
  }

  private pickNode(pool: PoolState, j: JobSpec, now: number): Candidate | 'wait' | undefined {
    const serving = pool.serving.get(j.model);
    if (!serving) return undefined;
    const loaded = pool.loaded.get(j.model) as Set<NodeState>;
    let best: NodeState | undefined;
    let bestLeft = Infinity;
    let bestDelay = Infinity;
    for (const node of loaded) {
      if (node.unavailableUntil > now || !fits(node.free, j.resources)) continue;
      const delay = Math.max(0, node.readyAt - now);
      const left = this.leftover(node, j.resources);
      if (delay < bestDelay || (delay === bestDelay && left < bestLeft)) {
        best = node;
        bestLeft = left;
        bestDelay = delay;
      }
    }
    if (!best) {
      const fresh = this.pickFreshNode(pool, j, now);
      if (!fresh) return undefined;
      const startMs = this.cluster.startDelay(fresh, j.model, now);
      const wait = this.predictedLoadedWait(pool, j, now);
      if (wait <= startMs * this.config.scaleUpWaitRatio) return 'wait';
      best = fresh;
      bestDelay = startMs;
      bestLeft = this.leftover(fresh, j.resources);
    }
    return { pool, node: best, score: this.score(pool, best, j, bestDelay, bestLeft) };
  }

  /** A node that can start serving the model: an idle replica of another model, or one that
   * is off (a kept snapshot of this model resumes faster than a cold start). */
  private pickFreshNode(pool: PoolState, j: JobSpec, now: number): NodeState | undefined {
    let cold: NodeState | undefined;
    for (const node of pool.off) {
      if (node.unavailableUntil > now || !fits(node.free, j.resources)) continue;
      if (node.snapshot === j.model) return node;
      cold ??= node;
    }
    if (cold) return cold;
    for (const node of pool.idle) {
      if (node.model === j.model || node.readyAt > now || !fits(node.free, j.resources)) continue;
      const min = pool.serving.get(node.model as string)?.minWarmReplicas ?? 0;
      if (min > 0 && (pool.loaded.get(node.model as string)?.size ?? 0) <= min) continue;
      return node;
    }
    return undefined;
  }

  /** Time until a loaded replica could take this job: its earliest completion plus the
   * share of already-queued work of the same model per loaded replica. */
  private predictedLoadedWait(pool: PoolState, j: JobSpec, now: number): number {
    const loaded = pool.loaded.get(j.model) as Set<NodeState>;
    if (loaded.size === 0) return Infinity;
    let earliest = Infinity;
    for (const node of loaded) {
      for (const rj of node.jobs) if (rj.endAt < earliest) earliest = rj.endAt;
    }
    if (earliest === Infinity) return Infinity;
    const slots = loaded.size * Math.max(1, this.slotsPerNode(pool, j.resources));
    // Queued jobs of the model other than this one (it is counted as pending itself).
    const queued = Math.max(0, (this.pendingByModel.get(j.model) ?? 0) - 1) / slots;
    return Math.max(0, earliest - now) + queued * serviceMs(pool.serving.get(j.model) as ModelServing, j);
  }

  /** Predicted wait for a loaded replica to free a slot in any eligible pool, counting only
   * queued work of the same model that is served before this job (same or higher band). */
  private predictedSlotWait(pj: PendingJob, now: number): number {
    let best = Infinity;
    for (const pool of this.cluster.pools) {
      if (!this.eligible(pool, pj)) continue;
      const loaded = pool.loaded.get(pj.spec.model) as Set<NodeState>;
      let earliest = Infinity;
      for (const node of loaded) for (const rj of node.jobs) if (rj.endAt < earliest) earliest = rj.endAt;
      if (earliest === Infinity) continue;
      let ahead = 0;
      for (let b = pj.band; b <= 2; b++) ahead += this.pendingByModelBand.get(`${pj.spec.model}|${b}`) ?? 0;
      const slots = loaded.size * Math.max(1, this.slotsPerNode(pool, pj.spec.resources));
      const serving = pool.serving.get(pj.spec.model) as ModelServing;
      best = Math.min(best, Math.max(0, earliest - now) + (ahead / slots) * serviceMs(serving, pj.spec));
    }
    return best;
  }

  private slotsPerNode(pool: PoolState, req: Resources): number {
    const n = pool.nodes[0];
    if (!n) return 0;
    let slots = Infinity;
    for (const r of RESOURCE_NAMES) if (req[r] > 0) slots = Math.min(slots, Math.floor(n.spec.allocatable[r] / req[r]));
    return slots === Infinity ? 1 : slots;
  }

  /** Dominant fraction of the node left free after placing req (0 = perfect fit). */
  private leftover(node: NodeState, req: Resources): number {
    let left = 0;
    for (const r of RESOURCE_NAMES) {
      const cap = node.spec.allocatable[r];
      if (cap > 0) left = Math.max(left, (node.free[r] - req[r]) / cap);
    }
    return left;
  }

  private score(pool: PoolState, node: NodeState, j: JobSpec, delayMs: number, left: number): number {
    const w = this.config.weights;
    const serving = pool.serving.get(j.model);
    const warm = node.on && node.model === j.model ? (delayMs === 0 ? 1 : 0.5) : 0;
    const completionMs = delayMs + (serving ? serviceMs(serving, j) : 0);
    const wait = 1 / (1 + completionMs / 10_000);
    const tenant = this.tenants.get(j.tenantId) as TenantState;
    const spread = tenant.running > 0 ? 1 - (tenant.perPool.get(pool.index) ?? 0) / tenant.running : 1;
    const spot = j.spotTolerant && pool.spec.spot ? 1 : 0;
    return (
      w.warm * warm + w.predictedWait * wait + w.binPacking * (1 - left) + w.cost * (1 - pool.costRank) + w.spot * spot + w.spread * spread
    );
  }

  private bind(pj: PendingJob, node: NodeState, now: number): Binding {
    this.pending.delete(pj.spec.id);
    this.countPending(pj, -1);
    const binding = this.cluster.bind(pj.spec, node, now);
    this.admitted.set(pj.spec.id, pj);
    this.charge(this.cluster.running.get(pj.spec.id) as RunningJob, 1);
    return binding;
  }

  /**
   * Make room for a job that fits nowhere by evicting the smallest set of victims on one
   * node. A victim must rank strictly below the job: same tenant with lower priority; or a
   * tenant borrowing the resource the victim holds, when the job either stays within its
   * own nominal quota (reclaim) or is in a higher tier band (priority). A victim can
   * never be readmitted within its nominal quota (its tenant was over nominal by at least
   * the victim's request), and a job never preempts one that preempted it, so no two jobs
   * evict each other in a loop.
   */
  private preemptFor(pj: PendingJob, pass: Pass): boolean {
    const j = pj.spec;
    const now = pass.now;
    const key = `${j.tenantId}|${pj.band}|${j.priority}|${j.model}|${j.resources.cpu}|${j.resources.memoryMiB}|${j.resources.gpu}|${pj.avoidSpot}`;
    if (pass.noPreempt.has(key) || pass.scans >= this.config.preemptionScansPerPass) return false;
    if (this.predictedSlotWait(pj, now) <= this.config.preemptAfterWaitMs) return false;
    pass.scans++;
    let best: { node: NodeState; victims: RunningJob[]; rank: number } | undefined;
    for (const pool of this.cluster.pools) {
      if (!this.eligible(pool, pj)) continue;
      const kind = pool.spec.kind;
      const reclaim = this.ledger.withinNominal(j.tenantId, kind, j.resources);
      for (const node of pool.nodes) {
        if (node.unavailableUntil > now || node.jobs.size === 0) continue;
        const sameModel = node.model === j.model;
        const candidates: RunningJob[] = [];
        for (const rj of node.jobs) if (this.mayPreempt(pj, rj, kind, reclaim)) candidates.push(rj);
        if (candidates.length === 0) continue;
        // A node loaded with another model must be emptied entirely to switch.
        if (!sameModel && candidates.length < node.jobs.size) continue;
        const victims = sameModel ? this.minimalVictims(node, candidates, j, kind) : candidates;
        if (!victims) continue;
        if (!sameModel && !this.quotaAllowsAfter(j, kind, victims)) continue;
        const rank = victims.length * 1000 + Math.max(...victims.map((v) => TIER_BAND[v.spec.tier]));
        if (!best || rank < best.rank) best = { node, victims, rank };
      }
    }
    if (!best) {
      pass.noPreempt.add(key);
      return false;
    }
    for (const v of best.victims) pass.decisions.push(this.evict(v, j.id, now));
    pass.decisions.push(this.bind(pj, best.node, now));
    return true;
  }

  private mayPreempt(pj: PendingJob, rj: RunningJob, kind: PoolState['spec']['kind'], reclaim: boolean): boolean {
    const j = pj.spec;
    const v = rj.spec;
    if (pj.preemptedBy?.has(v.id)) return false;
    if (v.tenantId === j.tenantId) {
      if (TIER_BAND[v.tier] < pj.band) return true;
      return this.config.preemptWithinTenant && TIER_BAND[v.tier] === pj.band && v.priority < j.priority;
    }
    if (!this.ledger.sameCohort(v.tenantId, j.tenantId) && !(pj.band > TIER_BAND[v.tier])) return false;
    if (!this.borrowsWhatItHolds(v, kind)) return false;
    // Reclaim takes borrowed quota back from the same or a lower tier, never from a higher one.
    return pj.band > TIER_BAND[v.tier] || (reclaim && pj.band === TIER_BAND[v.tier]);
  }

  /** Is the victim's tenant above nominal in a resource the victim holds? */
  private borrowsWhatItHolds(v: JobSpec, kind: PoolState['spec']['kind']): boolean {
    const usage = this.ledger.usage(v.tenantId, kind);
    const nominal = this.ledger.nominal(v.tenantId, kind);
    for (const r of RESOURCE_NAMES) if (v.resources[r] > 0 && usage[r] > nominal[r]) return true;
    return false;
  }

  /** Fewest victims on this node that free enough room and quota: a single victim if one
   * suffices, else the lowest-ranked first: lower tier, then lower priority, then evicted
   * fewer times, then latest started (it loses the least work). */
  private minimalVictims(node: NodeState, candidates: RunningJob[], j: JobSpec, kind: PoolState['spec']['kind']): RunningJob[] | undefined {
    const evictions = (rj: RunningJob): number => this.admitted.get(rj.spec.id)?.evictions ?? 0;
    candidates.sort(
      (a, b) =>
        TIER_BAND[a.spec.tier] - TIER_BAND[b.spec.tier] ||
        a.spec.priority - b.spec.priority ||
        evictions(a) - evictions(b) ||
        b.startAt - a.startAt,
    );
    for (const v of candidates) {
      const free = this.plus(node.free, [v]);
      if (fits(free, j.resources) && this.quotaAllowsAfter(j, kind, [v])) return [v];
    }
    const chosen: RunningJob[] = [];
    for (const v of candidates) {
      chosen.push(v);
      if (fits(this.plus(node.free, chosen), j.resources) && this.quotaAllowsAfter(j, kind, chosen)) return chosen;
    }
    return undefined;
  }

  private plus(free: Resources, victims: RunningJob[]): Resources {
    const out = { ...free };
    for (const v of victims) for (const r of RESOURCE_NAMES) out[r] += v.spec.resources[r];
    return out;
  }

  private quotaAllowsAfter(j: JobSpec, kind: PoolState['spec']['kind'], victims: RunningJob[]): boolean {
    for (const v of victims) this.ledger.release(v.spec.tenantId, kind, v.spec.resources);
    const ok = this.ledger.canAdmit(j.tenantId, kind, j.resources);
    for (const v of victims) this.ledger.add(v.spec.tenantId, kind, v.spec.resources);
    return ok;
  }

  private evict(rj: RunningJob, by: string, now: number): Preemption {
    const v = rj.spec;
    const reason = v.tenantId !== by && this.ledger.withinNominal(v.tenantId, rj.node.pool.spec.kind, v.resources) ? 'priority' : 'reclaim';
    this.cluster.unbind(v.id, now);
    this.charge(rj, -1);
    const pj = this.admitted.get(v.id) as PendingJob;
    this.admitted.delete(v.id);
    (pj.preemptedBy ??= new Set()).add(by);
    pj.evictions++;
    this.enqueue(pj);
    this.preemptions++;
    return { kind: 'preempt', jobId: v.id, by, reason };
  }

  private charge(rj: RunningJob, sign: 1 | -1): void {
    const t = this.tenants.get(rj.spec.tenantId) as TenantState;
    const kind = rj.node.pool.spec.kind;
    this.ledger.add(rj.spec.tenantId, kind, rj.spec.resources, sign);
    for (const r of RESOURCE_NAMES) t.usage[r] += sign * rj.spec.resources[r];
    t.running += sign;
    t.perPool.set(rj.node.pool.index, (t.perPool.get(rj.node.pool.index) ?? 0) + sign);
    let dominant = 0;
    const cap = this.cluster.capacity;
    for (const r of RESOURCE_NAMES) if (cap[r] > 0) dominant = Math.max(dominant, t.usage[r] / cap[r]);
    t.share = dominant / t.spec.weight;
    for (const q of t.queues) if (q) this.bands.get(q.band)?.update(q);
  }

  private enqueue(pj: PendingJob): void {
    const t = this.tenants.get(pj.spec.tenantId) as TenantState;
    let q = t.queues[pj.band];
    if (!q) {
      q = {
        tenant: t,
        band: pj.band,
        size: 0,
        shapes: new Map(),
        order: new IndexedHeap<ShapeQueue>((a, b) => jobBefore(a.jobs.peek() as PendingJob, b.jobs.peek() as PendingJob)),
      };
      t.queues[pj.band] = q;
    }
    const key = this.pendingShape(pj);
    let sq = q.shapes.get(key);
    if (!sq) {
      sq = { key, jobs: new IndexedHeap<PendingJob>(jobBefore) };
      q.shapes.set(key, sq);
    }
    sq.jobs.push(pj);
    q.order.push(sq);
    q.size++;
    this.pending.set(pj.spec.id, pj);
    this.countPending(pj, 1);
    this.bands.get(pj.band)?.push(q);
  }

  private countPending(pj: PendingJob, delta: number): void {
    const model = pj.spec.model;
    this.pendingByModel.set(model, (this.pendingByModel.get(model) ?? 0) + delta);
    const key = `${model}|${pj.band}`;
    this.pendingByModelBand.set(key, (this.pendingByModelBand.get(key) ?? 0) + delta);
  }

  private addTenantState(t: TenantSpec): void {
    if (!(t.weight > 0)) throw new Error(`tenant ${t.id} needs a positive weight`);
    this.tenants.set(t.id, {
      spec: t,
      order: this.tenants.size,
      usage: { cpu: 0, memoryMiB: 0, gpu: 0 },
      share: 0,
      queues: [],
      perPool: new Map(),
      running: 0,
    });
  }
}
