import { Inject, Injectable, Logger, type OnModuleDestroy, type OnModuleInit } from '@nestjs/common';
import { Counter, Gauge, Histogram, register } from 'prom-client';
import { DomainError, ErrorCode } from '#contracts';
import { parseTenantId } from '#tenancy';
import { FairScheduler } from './core/fair-scheduler.js';
import { RESOURCE_NAMES, type Decision, type JobSpec } from './core/types.js';
import { InferenceScheduler, type Placement, type PlacementRequest } from './scheduler.port.js';
import type { Scenario } from './sim/scenario.js';

export const SCHEDULER_SCENARIO = Symbol('SCHEDULER_SCENARIO');
export const SCHEDULER_OPTIONS = Symbol('SCHEDULER_OPTIONS');

export interface SchedulerOptions {
  tickMs: number;
  placementTimeoutMs: number;
}

interface Waiter {
  req: PlacementRequest;
  submittedAt: number;
  resolve: (p: Placement) => void;
  reject: (e: unknown) => void;
  cleanup: () => void;
}

const metric = <T>(name: string, create: () => T): T => (register.getSingleMetric(name) as T | undefined) ?? create();

const decisionSeconds = metric(
  'mcp_scheduler_decision_seconds',
  () =>
    new Histogram({
      name: 'mcp_scheduler_decision_seconds',
      help: 'Time of one scheduling pass',
      buckets: [0.0001, 0.00025, 0.0005, 0.001, 0.002, 0.005, 0.01, 0.05],
    }),
);
const decisionsTotal = metric(
  'mcp_scheduler_decisions_total',
  () =>
    new Counter({
      name: 'mcp_scheduler_decisions_total',
      help: 'Bindings and preemptions by kind and pool',
      labelNames: ['kind', 'pool'] as const,
    }),
);

/**
 * The orchestrator's InferenceScheduler: the fair scheduler core driven by the wall clock.
 * place() queues the job and resolves once it is bound to a node. A job evicted later
 * (reclaimed quota, a higher tier, a spot reclaim) stays queued in the core at its place,
 * keeping the record that prevents preemption loops, and is reported to the onPreempted
 * listeners; the job path's next place() for it waits for (or takes) that re-binding, and
 * its release() withdraws it if the path gives up instead.
 */
@Injectable()
export class SchedulerService extends InferenceScheduler implements OnModuleInit, OnModuleDestroy {
  private readonly logger = new Logger('Scheduler');
  private readonly core: FairScheduler;
  private readonly waiters = new Map<string, Waiter>();
  private readonly listeners: ((jobId: string) => void)[] = [];
  /** Evicted jobs re-queued in the core, with their new placement once bound again. */
  private readonly requeued = new Map<string, Placement | null>();
  private timer: NodeJS.Timeout | undefined;

  constructor(
    @Inject(SCHEDULER_SCENARIO) private readonly scenario: Scenario,
    @Inject(SCHEDULER_OPTIONS) private readonly options: SchedulerOptions,
  ) {
    super();
    this.core = new FairScheduler(scenario.cluster, scenario.file.config ?? {});
    this.registerGauges();
  }

  onModuleInit(): void {
    this.core.tick(Date.now());
    this.timer = setInterval(() => this.tick(), this.options.tickMs);
    this.timer.unref();
    this.logger.log(`scheduler ready: ${this.scenario.cluster.pools.length} pools from scenario ${this.scenario.file.name}`);
  }

  onModuleDestroy(): void {
    if (this.timer) clearInterval(this.timer);
    for (const [jobId, w] of this.waiters) {
      w.cleanup();
      w.reject(new DomainError(ErrorCode.SERVICE_UNAVAILABLE, 'The scheduler is shutting down', { jobId }));
    }
    this.waiters.clear();
  }

  place(req: PlacementRequest, signal?: AbortSignal): Promise<Placement> {
    const tenantId = parseTenantId(req.tenantId);
    this.validate(req);
    if (signal?.aborted) return Promise.reject(abortError(req.jobId));
    this.ensureTenant(tenantId, req.tier);
    const again = this.requeued.get(req.jobId);
    if (again) {
      this.requeued.delete(req.jobId);
      return Promise.resolve({ ...again, predictedWaitMs: 0 });
    }
    const resubmit = again === null;
    if (resubmit) this.requeued.delete(req.jobId);
    else if (this.waiters.has(req.jobId) || this.core.cluster.running.has(req.jobId)) {
      return Promise.reject(new DomainError(ErrorCode.CONFLICT, 'This job is already being placed or runs', { jobId: req.jobId }));
    }
    const job: JobSpec = {
      id: req.jobId,
      tenantId,
      tier: req.tier,
      model: req.model,
      priority: req.priority,
      promptTokens: req.promptTokens,
      outputTokens: req.maxOutputTokens,
      resources: { ...req.resources },
      spotTolerant: req.spotTolerant,
    };
    return new Promise<Placement>((resolve, reject) => {
      const timeout = setTimeout(
        () =>
          this.withdraw(
            req.jobId,
            new DomainError(ErrorCode.SERVICE_UNAVAILABLE, 'No capacity became free for this job in time', { jobId: req.jobId }),
          ),
        this.options.placementTimeoutMs,
      );
      const onAbort = (): void => this.withdraw(req.jobId, abortError(req.jobId));
      signal?.addEventListener('abort', onAbort, { once: true });
      this.waiters.set(req.jobId, {
        req,
        submittedAt: Date.now(),
        resolve,
        reject,
        cleanup: () => {
          clearTimeout(timeout);
          signal?.removeEventListener('abort', onAbort);
        },
      });
      if (!resubmit) this.core.submit(job, Date.now());
      this.runPass();
    });
  }

  release(jobId: string): void {
    if (this.requeued.has(jobId)) {
      // Evicted and not placed again by the job path: give up its queue entry or new node.
      const bound = this.requeued.get(jobId);
      this.requeued.delete(jobId);
      if (bound) this.core.complete(jobId, Date.now());
      else this.core.cancel(jobId);
      this.runPass();
      return;
    }
    if (this.waiters.has(jobId)) {
      this.withdraw(jobId, abortError(jobId));
      return;
    }
    if (!this.core.cluster.running.has(jobId)) return;
    this.core.complete(jobId, Date.now());
    this.runPass();
  }

  onPreempted(listener: (jobId: string) => void): void {
    this.listeners.push(listener);
  }

  /** A spot node is being reclaimed by its provider: its jobs are evicted and re-queued on
   * on-demand capacity, and the node takes no work for `downMs`. */
  reclaimSpotNode(nodeName: string, downMs: number): number {
    const now = Date.now();
    const evicted = this.core.reclaimSpot(nodeName, now, now + downMs);
    this.apply(evicted, now);
    this.runPass();
    return evicted.length;
  }

  private tick(): void {
    this.core.tick(Date.now());
    this.runPass();
  }

  private runPass(): void {
    const end = decisionSeconds.startTimer();
    const now = Date.now();
    const decisions = this.core.schedule(now);
    end();
    this.apply(decisions, now);
  }

  private apply(decisions: Decision[], now: number): void {
    for (const d of decisions) {
      if (d.kind === 'preempt') {
        decisionsTotal.inc({ kind: `preempt-${d.reason}`, pool: '' });
        if (this.core.isPending(d.jobId)) this.requeued.set(d.jobId, null);
        for (const l of this.listeners) l(d.jobId);
        continue;
      }
      decisionsTotal.inc({ kind: 'bind', pool: d.pool });
      const placement: Placement = {
        jobId: d.jobId,
        pool: d.pool,
        node: d.node,
        backendUrl: d.backendUrl,
        warm: d.warm,
        predictedWaitMs: Math.max(0, d.startAt - now),
      };
      const w = this.waiters.get(d.jobId);
      if (!w) {
        // Re-bound before the job path asked again: its next place() takes it.
        if (this.requeued.has(d.jobId)) this.requeued.set(d.jobId, placement);
        continue;
      }
      this.waiters.delete(d.jobId);
      w.cleanup();
      w.resolve(placement);
    }
  }

  private withdraw(jobId: string, reason: unknown): void {
    const w = this.waiters.get(jobId);
    if (!w) return;
    this.waiters.delete(jobId);
    w.cleanup();
    this.core.cancel(jobId);
    w.reject(reason);
  }

  private validate(req: PlacementRequest): void {
    const problems: string[] = [];
    if (typeof req.jobId !== 'string' || req.jobId.length === 0 || req.jobId.length > 200) problems.push('jobId');
    if (!['premium', 'standard', 'free'].includes(req.tier)) problems.push('tier');
    if (!Number.isFinite(req.priority)) problems.push('priority');
    if (!(Number.isInteger(req.promptTokens) && req.promptTokens >= 0)) problems.push('promptTokens');
    if (!(Number.isInteger(req.maxOutputTokens) && req.maxOutputTokens > 0)) problems.push('maxOutputTokens');
    for (const r of RESOURCE_NAMES) if (!(Number.isFinite(req.resources?.[r]) && req.resources[r] >= 0)) problems.push(`resources.${r}`);
    if (problems.length) throw new DomainError(ErrorCode.VALIDATION_FAILED, 'Invalid placement request', { fields: problems });
    const pools = this.scenario.cluster.pools.filter((p) => p.models.some((m) => m.model === req.model));
    if (pools.length === 0) throw new DomainError(ErrorCode.NOT_FOUND, 'No node pool serves this model', { model: req.model });
    const fitsSomewhere = pools.some((p) => p.nodes.some((n) => RESOURCE_NAMES.every((r) => n.allocatable[r] >= req.resources[r])));
    if (!fitsSomewhere)
      throw new DomainError(ErrorCode.BAD_REQUEST, 'The resource request is larger than any node serving this model', { model: req.model });
  }

  private ensureTenant(tenantId: string, tier: PlacementRequest['tier']): void {
    if (this.core.hasTenant(tenantId)) return;
    const defaults = this.scenario.file.tenantDefaults?.[tier];
    if (!defaults) throw new DomainError(ErrorCode.TENANT_UNKNOWN, 'The scheduler has no quota for this tenant or its tier', { tier });
    this.core.addTenant({
      id: tenantId,
      tier,
      weight: defaults.weight ?? 1,
      cohort: defaults.cohort ?? 'default',
      quotas: defaults.quotas,
    });
  }

  private registerGauges(): void {
    const core = (): FairScheduler => this.core;
    register.removeSingleMetric('mcp_scheduler_pending_jobs');
    register.removeSingleMetric('mcp_scheduler_running_jobs');
    register.removeSingleMetric('mcp_scheduler_pool_nodes_on');
    register.removeSingleMetric('mcp_scheduler_pool_utilization');
    new Gauge({
      name: 'mcp_scheduler_pending_jobs',
      help: 'Jobs queued for placement',
      collect() {
        this.set(core().pendingCount);
      },
    });
    new Gauge({
      name: 'mcp_scheduler_running_jobs',
      help: 'Jobs bound to a node',
      collect() {
        this.set(core().cluster.running.size);
      },
    });
    new Gauge({
      name: 'mcp_scheduler_pool_nodes_on',
      help: 'Nodes of the pool that are starting or ready (not hibernated)',
      labelNames: ['pool'] as const,
      collect() {
        for (const p of core().cluster.pools) this.set({ pool: p.spec.name }, p.nodes.length - p.off.size);
      },
    });
    new Gauge({
      name: 'mcp_scheduler_pool_utilization',
      help: 'Dominant-resource share of the pool held by running jobs',
      labelNames: ['pool'] as const,
      collect() {
        for (const p of core().cluster.pools) this.set({ pool: p.spec.name }, core().cluster.utilization(p));
      },
    });
  }
}

function abortError(jobId: string): DomainError {
  return new DomainError(ErrorCode.CONFLICT, 'The placement was cancelled', { jobId });
}
