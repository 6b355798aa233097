// The platform's scheduler: tier bands, weighted DRF between tenants, priority inside a
// tenant, Kueue-style quota admission with borrowing, filter → score → bind placement,
// scale-up on predicted wait, and loop-free minimal-victim preemption.
//
// Pending work is indexed by job shape (model, request, spot tolerance; a platform has a
// handful): per shape and band, a heap of the tenant queues holding that shape ordered by
// weighted dominant share; per tenant queue and shape, a heap of jobs by priority then
// arrival. A pass looks at the top tenant of each shape that still fits, so a decision costs
// O(shapes + log tenants + log jobs + nodes of the model), however many jobs are queued; a
// shape that does not fit is skipped for the rest of the pass for every tenant at once.

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
  /** Running weighted dominant share: max over resources of usage / capacity, ÷ weight. */
  runningShare: number;
  /** Exponentially decayed average of runningShare, as of recentAt. */
  recent: number;
  recentAt: number;
  /** Queue order: runningShare + recent, so tenants that held less lately go first. */
  share: number;
  queues: (LocalQueue | undefined)[];
  /** Running jobs per pool, for spread. */
  perPool: Map<number, number>;
  running: number;
}

/**
 * A tenant's pending jobs of one tier, split by shape so a blocked shape never hides a
 * different one behind it (Kueue's BestEffortFIFO, without scanning).
 */
interface LocalQueue {
  tenant: TenantState;
  band: number;
  size: number;
  shapes: Map<string, IndexedHeap<PendingJob>>;
}

/** Per band, the tenant queues holding jobs of one shape, lowest weighted share first. */
interface ShapeIndex {
  key: string;
  bands: (IndexedHeap<LocalQueue> | undefined)[];
}

const queueBefore = (a: LocalQueue, b: LocalQueue): boolean =>
  a.tenant.share !== b.tenant.share ? a.tenant.share < b.tenant.share : a.tenant.order < b.tenant.order;

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

/** Not placed: 'wait' for a loaded replica, or 'nofit'; `tenant` when the reason is the
 * tenant's own (quota, allowed pools) rather than the shape's. */
type Miss = { miss: 'wait' | 'nofit'; tenant: boolean };
type PlaceOutcome = Candidate | Miss;

/** State of one scheduling pass: what it decided and what it learned does not fit. */
interface Pass {
  now: number;
  decisions: Decision[];
  /** (pool, job shape) → known not to fit, or better left waiting for a loaded replica. */
  shapes: Map<string, 'nofit' | 'wait'>;
  noPreempt: Set<string>;
  scans: number;
  /** Shapes that fit nowhere for anyone in this pass. */
  shapeMiss: Set<string>;
  /** tenant|band|shape combinations that cannot be admitted in this pass. */
  blocked: Set<string>;
}

const BANDS = [2, 1, 0];

export class FairScheduler implements SchedulingPolicy {
  readonly name = 'fair';
  readonly cluster: ClusterState;
  readonly ledger: QuotaLedger;
  private readonly config: SchedulerConfig;
  private readonly tenants = new Map<string, TenantState>();
  private readonly shapeIndex = new Map<string, ShapeIndex>();
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
    spec.tenants.forEach((t) => this.addTenantState(t));
  }

  get pendingCount(): number {
    return this.pending.size;
  }

  isPending(jobId: string): boolean {
    return this.pending.has(jobId);
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

  submit(job: JobSpec, now: number): void {
    const tenant = this.tenants.get(job.tenantId);
    if (!tenant) throw new Error(`unknown tenant ${job.tenantId}`);
    if (this.pending.has(job.id) || this.cluster.running.has(job.id)) throw new Error(`duplicate job ${job.id}`);
    this.cluster.noteRequest(job.model, job.resources);
    this.enqueue({ spec: job, seq: this.seq++, band: TIER_BAND[job.tier], avoidSpot: false, preemptedBy: null, evictions: 0 }, now);
  }

  cancel(jobId: string): boolean {
    const pj = this.pending.get(jobId);
    if (!pj) return false;
    this.take(pj);
    this.pending.delete(jobId);
    this.countPending(pj, -1);
    return true;
  }

  complete(jobId: string, now: number): void {
    const rj = this.cluster.unbind(jobId, now);
    if (!rj) return;
    this.admitted.delete(jobId);
    this.charge(rj, -1, now);
  }

  tick(now: number): void {
    this.cluster.maintainReplicas(now);
    // Recent usage keeps moving while nothing binds or completes: refresh the order of the
    // tenants that have queued work (the others are re-keyed when they next queue).
    if (this.config.usageHalfLifeMs > 0) for (const t of this.tenants.values()) if (this.hasQueued(t)) this.reorder(t, now);
  }

  reclaimSpot(nodeName: string, now: number, unavailableUntil: number): Preemption[] {
    const evicted = this.cluster.reclaimSpotNode(nodeName, now, unavailableUntil);
    return evicted.map((rj) => {
      this.charge(rj, -1, now);
      const pj = this.admitted.get(rj.spec.id) as PendingJob;
      this.admitted.delete(rj.spec.id);
      pj.avoidSpot = true;
      this.enqueue(pj, now);
      this.preemptions++;
      return { kind: 'preempt', jobId: rj.spec.id, by: null, reason: 'spot-reclaim' } satisfies Preemption;
    });
  }

  schedule(now: number): Decision[] {
    const pass: Pass = { now, decisions: [], shapes: new Map(), noPreempt: new Set(), scans: 0, shapeMiss: new Set(), blocked: new Set() };
    for (const band of BANDS) {
      const parked: [IndexedHeap<LocalQueue>, LocalQueue][] = [];
      for (;;) {
        // Nothing fits anywhere and no eviction scan is left: the rest would only fail.
        if (!this.cluster.hasRoom(now) && pass.scans >= this.config.preemptionScansPerPass) break;
        let q: LocalQueue | undefined;
        let heap: IndexedHeap<LocalQueue> | undefined;
        for (const si of this.shapeIndex.values()) {
          if (pass.shapeMiss.has(si.key)) continue;
          const h = si.bands[band];
          const top = h?.peek();
          if (top && (!q || queueBefore(top, q))) {
            q = top;
            heap = h;
          }
        }
        if (!q || !heap) break;
        const pick = this.bestHead(q, pass);
        if (!pick) {
          heap.remove(q);
          parked.push([heap, q]);
          continue;
        }
        const [key, pj] = pick;
        const outcome = this.place(pj, pass);
        if (!('miss' in outcome)) {
          this.take(pj);
          pass.decisions.push(this.bind(pj, outcome.node, now));
          continue;
        }
        if (outcome.miss === 'nofit' && this.config.preemption && this.preemptFor(pj, pass)) {
          this.take(pj);
          continue;
        }
        if (outcome.tenant) pass.blocked.add(`${q.tenant.spec.id}|${band}|${key}`);
        else pass.shapeMiss.add(key);
      }
      for (const [h, q] of parked) if (q.size > 0) h.push(q);
    }
    return pass.decisions;
  }

  /** The tenant's best job among its shapes still worth trying in this pass. */
  private bestHead(q: LocalQueue, pass: Pass): [string, PendingJob] | undefined {
    let best: [string, PendingJob] | undefined;
    for (const [key, jobs] of q.shapes) {
      if (pass.shapeMiss.has(key) || pass.blocked.has(`${q.tenant.spec.id}|${q.band}|${key}`)) continue;
      const head = jobs.peek() as PendingJob;
      if (!best || jobBefore(head, best[1])) best = [key, head];
    }
    return best;
  }

  /** Remove a queued job from its tenant queue and the shape index. */
  private take(pj: PendingJob): void {
    const q = this.tenants.get(pj.spec.tenantId)?.queues[pj.band] as LocalQueue;
    const key = this.pendingShape(pj);
    const jobs = q.shapes.get(key) as IndexedHeap<PendingJob>;
    jobs.remove(pj);
    q.size--;
    if (jobs.size === 0) {
      q.shapes.delete(key);
      this.shapeIndex.get(key)?.bands[q.band]?.remove(q);
    }
  }

  private pendingShape(pj: PendingJob): string {
    const r = pj.spec.resources;
    return `${this.ledger.cohortOfTenant(pj.spec.tenantId)}|${pj.spec.model}|${r.cpu}|${r.memoryMiB}|${r.gpu}|${pj.spec.spotTolerant && !pj.avoidSpot ? 1 : 0}`;
  }

  private shapeKey(pool: PoolState, j: JobSpec, avoidSpot: boolean): string {
    const r = j.resources;
    return `${pool.index}|${this.ledger.cohortOfTenant(j.tenantId)}|${j.model}|${r.cpu}|${r.memoryMiB}|${r.gpu}|${j.spotTolerant && !avoidSpot ? 1 : 0}`;
  }

  /** Can jobs of this shape run on the pool at all (model, spot, taints)? */
  private shapeEligible(pool: PoolState, pj: PendingJob): boolean {
    const j = pj.spec;
    if (!pool.serving.has(j.model)) return false;
    const spotAllowed = j.spotTolerant && !pj.avoidSpot;
    if (pool.spec.spot && !spotAllowed) return false;
    return tolerates(jobTolerations(pool.spec, j, spotAllowed), pool.spec);
  }

  /** May this tenant use the pool (allowed pools, a quota for its kind)? */
  private tenantEligible(pool: PoolState, pj: PendingJob): boolean {
    const allowed = this.tenants.get(pj.spec.tenantId)?.spec.allowedPools;
    if (allowed && !allowed.includes(pool.spec.name)) return false;
    return this.ledger.hasFlavor(pj.spec.tenantId, pool.spec.kind);
  }

  private eligible(pool: PoolState, pj: PendingJob): boolean {
    return this.shapeEligible(pool, pj) && this.tenantEligible(pool, pj);
  }

  /** Filter → score over every pool; a miss is 'wait' when a loaded replica is predicted to
   * free up sooner than a new one would start. */
  private place(pj: PendingJob, pass: Pass): PlaceOutcome {
    const j = pj.spec;
    let best: Candidate | undefined;
    let waiting = false;
    let tenant = false;
    for (const pool of this.cluster.pools) {
      if (!this.shapeEligible(pool, pj)) continue;
      // Capacity first: when the pools are full every tenant's quota is too, and a miss
      // that is the shape's (not the tenant's) ends the shape for the whole pass.
      const key = this.shapeKey(pool, j, pj.avoidSpot);
      const known = pass.shapes.get(key);
      if (known === 'nofit') continue;
      const c = known === 'wait' ? 'wait' : this.pickNode(pool, j, pass.now);
      if (c === undefined) {
        pass.shapes.set(key, 'nofit');
        continue;
      }
      if (!this.tenantEligible(pool, pj)) {
        tenant = true;
        continue;
      }
      const quota = this.ledger.admitCheck(j.tenantId, pool.spec.kind, j.resources);
      if (quota === 'cohort') {
        // The shape key includes the cohort: this refusal holds for its other tenants too.
        pass.shapes.set(key, 'nofit');
        continue;
      }
      if (quota === 'queue') {
        tenant = true;
        continue;
      }
      if (c === 'wait') {
        pass.shapes.set(key, 'wait');
        waiting = true;
      } else if (!best || c.score > best.score) best = c;
    }
    return best ?? { miss: waiting ? 'wait' : 'nofit', tenant };
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
    const earliest = pool.ending.get(j.model)?.peek()?.endAt;
    if (loaded.size === 0 || earliest === undefined) return Infinity;
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
      const earliest = pool.ending.get(pj.spec.model)?.peek()?.endAt;
      if (earliest === undefined) continue;
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
    this.charge(this.cluster.running.get(pj.spec.id) as RunningJob, 1, now);
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
    // Without reclaim or same-tenant eviction, who may be evicted does not depend on the
    // tenant: one failed search answers for the whole band and shape.
    const tenantPart =
      this.config.preemptWithinTenant || this.cluster.pools.some((p) => this.ledger.withinNominal(j.tenantId, p.spec.kind, j.resources))
        ? j.tenantId
        : '*';
    const key = `${tenantPart}|${pj.band}|${j.priority}|${this.pendingShape(pj)}`;
    if (pass.noPreempt.has(key) || pass.scans >= this.config.preemptionScansPerPass) return false;
    pass.scans++;
    if (this.predictedSlotWait(pj, now) <= this.config.preemptAfterWaitMs) {
      pass.noPreempt.add(key);
      return false;
    }
    let best: { node: NodeState; victims: RunningJob[]; rank: number } | undefined;
    // One victim of the lowest band is as good as it gets: stop looking once found.
    const unbeatable = 1000;
    search: for (const pool of this.cluster.pools) {
      if (!this.eligible(pool, pj)) continue;
      const kind = pool.spec.kind;
      const reclaim = this.ledger.withinNominal(j.tenantId, kind, j.resources);
      let lower = 0;
      for (let b = 0; b < pj.band; b++) lower += pool.runningByBand[b] as number;
      if (!reclaim && lower === 0 && !this.config.preemptWithinTenant) continue;
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
        if (best.rank <= unbeatable) break search;
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
    return this.ledger.borrowsIn(v.tenantId, kind, v.resources);
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
    this.charge(rj, -1, now);
    const pj = this.admitted.get(v.id) as PendingJob;
    this.admitted.delete(v.id);
    (pj.preemptedBy ??= new Set()).add(by);
    pj.evictions++;
    this.enqueue(pj, now);
    this.preemptions++;
    return { kind: 'preempt', jobId: v.id, by, reason };
  }

  private charge(rj: RunningJob, sign: 1 | -1, now: number): void {
    const t = this.tenants.get(rj.spec.tenantId) as TenantState;
    const kind = rj.node.pool.spec.kind;
    this.ledger.add(rj.spec.tenantId, kind, rj.spec.resources, sign);
    // Fold the share held until now into the recent usage before it changes.
    this.decay(t, now);
    for (const r of RESOURCE_NAMES) t.usage[r] += sign * rj.spec.resources[r];
    t.running += sign;
    t.perPool.set(rj.node.pool.index, (t.perPool.get(rj.node.pool.index) ?? 0) + sign);
    let dominant = 0;
    const cap = this.cluster.capacity;
    for (const r of RESOURCE_NAMES) if (cap[r] > 0) dominant = Math.max(dominant, t.usage[r] / cap[r]);
    t.runningShare = dominant / t.spec.weight;
    this.reorder(t, now);
  }

  /** Advance the tenant's recent usage to now: the running share was constant since recentAt. */
  private decay(t: TenantState, now: number): void {
    const h = this.config.usageHalfLifeMs;
    if (h > 0 && now > t.recentAt) t.recent = t.runningShare + (t.recent - t.runningShare) * Math.pow(2, -(now - t.recentAt) / h);
    t.recentAt = Math.max(t.recentAt, now);
  }

  private reorder(t: TenantState, now: number): void {
    this.decay(t, now);
    t.share = t.runningShare + (this.config.usageHalfLifeMs > 0 ? t.recent : 0);
    for (const q of t.queues) {
      if (!q) continue;
      for (const key of q.shapes.keys()) this.shapeIndex.get(key)?.bands[q.band]?.update(q);
    }
  }

  private hasQueued(t: TenantState): boolean {
    for (const q of t.queues) if (q && q.size > 0) return true;
    return false;
  }

  private enqueue(pj: PendingJob, now: number): void {
    const t = this.tenants.get(pj.spec.tenantId) as TenantState;
    // Not refreshed by tick while it had nothing queued.
    if (!this.hasQueued(t)) this.reorder(t, now);
    let q = t.queues[pj.band];
    if (!q) {
      q = { tenant: t, band: pj.band, size: 0, shapes: new Map() };
      t.queues[pj.band] = q;
    }
    const key = this.pendingShape(pj);
    let jobs = q.shapes.get(key);
    if (!jobs) {
      jobs = new IndexedHeap<PendingJob>(jobBefore);
      q.shapes.set(key, jobs);
    }
    jobs.push(pj);
    q.size++;
    let si = this.shapeIndex.get(key);
    if (!si) {
      si = { key, bands: [] };
      this.shapeIndex.set(key, si);
    }
    (si.bands[pj.band] ??= new IndexedHeap<LocalQueue>(queueBefore)).push(q);
    this.pending.set(pj.spec.id, pj);
    this.countPending(pj, 1);
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
      runningShare: 0,
      recent: 0,
      recentAt: 0,
      share: 0,
      queues: [],
      perPool: new Map(),
      running: 0,
    });
  }
}
