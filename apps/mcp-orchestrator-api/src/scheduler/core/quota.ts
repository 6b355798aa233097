// Kueue-style quota accounting: each tenant is a ClusterQueue with, per pool kind (the
// ResourceFlavor), a nominal quota, a borrowing limit and a lending limit; tenants of one
// cohort lend each other the unused part of their nominal quota.
//
// guaranteed = nominal − lendingLimit is never lent. The cohort's pool for a flavor and
// resource is Σ lendingLimit; usage above a queue's guaranteed part draws from it. Admission
// needs usage ≤ nominal + borrowingLimit for the queue and the pool not overdrawn, so a
// queue's own nominal can always be recovered by preempting work that borrows.

import { POOL_KINDS, RESOURCE_NAMES, type FlavorQuota, type PoolKind, type Resources, type TenantSpec, zeroResources } from './types.js';

interface QueueFlavor {
  quota: FlavorQuota;
  guaranteed: Resources;
  lendable: Resources;
  usage: Resources;
}

interface CohortFlavor {
  lendable: Resources;
  /** Σ over member queues of max(0, usage − guaranteed). */
  drawn: Resources;
}

export class QuotaLedger {
  private readonly queues = new Map<string, Map<PoolKind, QueueFlavor>>();
  private readonly cohortOf = new Map<string, string>();
  private readonly cohorts = new Map<string, Map<PoolKind, CohortFlavor>>();

  constructor(tenants: readonly TenantSpec[]) {
    for (const t of tenants) this.addTenant(t);
  }

  addTenant(t: TenantSpec): void {
    if (this.queues.has(t.id)) throw new Error(`tenant ${t.id} already has quotas`);
    const flavors = new Map<PoolKind, QueueFlavor>();
    let cohort = this.cohorts.get(t.cohort);
    if (!cohort) {
      cohort = new Map();
      this.cohorts.set(t.cohort, cohort);
    }
    for (const kind of POOL_KINDS) {
      const quota = t.quotas[kind];
      if (!quota) continue;
      const lendable = zeroResources();
      const guaranteed = zeroResources();
      for (const r of RESOURCE_NAMES) {
        lendable[r] = Math.min(quota.lendingLimit[r], quota.nominal[r]);
        guaranteed[r] = quota.nominal[r] - lendable[r];
      }
      flavors.set(kind, { quota, guaranteed, lendable, usage: zeroResources() });
      let cf = cohort.get(kind);
      if (!cf) {
        cf = { lendable: zeroResources(), drawn: zeroResources() };
        cohort.set(kind, cf);
      }
      for (const r of RESOURCE_NAMES) cf.lendable[r] += lendable[r];
    }
    this.queues.set(t.id, flavors);
    this.cohortOf.set(t.id, t.cohort);
  }

  hasFlavor(tenantId: string, kind: PoolKind): boolean {
    return this.queues.get(tenantId)?.has(kind) ?? false;
  }

  usage(tenantId: string, kind: PoolKind): Resources {
    const qf = this.queues.get(tenantId)?.get(kind);
    return qf ? { ...qf.usage } : zeroResources();
  }

  /** The cohort's lendable pool and how much of it is drawn, for invariant checks. */
  cohortState(cohort: string, kind: PoolKind): { lendable: Resources; drawn: Resources } | undefined {
    const cf = this.cohorts.get(cohort)?.get(kind);
    return cf ? { lendable: { ...cf.lendable }, drawn: { ...cf.drawn } } : undefined;
  }

  canAdmit(tenantId: string, kind: PoolKind, req: Resources): boolean {
    return this.admitCheck(tenantId, kind, req) === 'ok';
  }

  /**
   * 'queue' when the tenant's own limits refuse the request; 'cohort' when the cohort's
   * lendable pool is used up and the tenant has no guaranteed quota left to draw on, which
   * then refuses every such tenant of the cohort alike.
   */
  admitCheck(tenantId: string, kind: PoolKind, req: Resources): 'ok' | 'queue' | 'cohort' {
    const qf = this.queues.get(tenantId)?.get(kind);
    if (!qf) return 'queue';
    const cf = this.cohortFlavor(tenantId, kind);
    let result: 'ok' | 'queue' | 'cohort' = 'ok';
    for (const r of RESOURCE_NAMES) {
      const need = req[r];
      if (need === 0) continue;
      const after = qf.usage[r] + need;
      if (after > qf.quota.nominal[r] + qf.quota.borrowingLimit[r]) return 'queue';
      const drawnAfter = cf.drawn[r] - Math.max(0, qf.usage[r] - qf.guaranteed[r]) + Math.max(0, after - qf.guaranteed[r]);
      if (drawnAfter > cf.lendable[r]) result = qf.usage[r] >= qf.guaranteed[r] ? 'cohort' : 'queue';
    }
    return result;
  }

  cohortOfTenant(tenantId: string): string | undefined {
    return this.cohortOf.get(tenantId);
  }

  /** Would the request keep the tenant within its own nominal quota (no borrowing)? */
  withinNominal(tenantId: string, kind: PoolKind, req: Resources): boolean {
    const qf = this.queues.get(tenantId)?.get(kind);
    if (!qf) return false;
    for (const r of RESOURCE_NAMES) {
      if (req[r] > 0 && qf.usage[r] + req[r] > qf.quota.nominal[r]) return false;
    }
    return true;
  }

  /** Is the tenant above nominal in a resource that `held` uses? */
  borrowsIn(tenantId: string, kind: PoolKind, held: Resources): boolean {
    const qf = this.queues.get(tenantId)?.get(kind);
    if (!qf) return false;
    for (const r of RESOURCE_NAMES) if (held[r] > 0 && qf.usage[r] > qf.quota.nominal[r]) return true;
    return false;
  }

  isBorrowing(tenantId: string, kind: PoolKind): boolean {
    const qf = this.queues.get(tenantId)?.get(kind);
    if (!qf) return false;
    for (const r of RESOURCE_NAMES) if (qf.usage[r] > qf.quota.nominal[r]) return true;
    return false;
  }

  sameCohort(a: string, b: string): boolean {
    return this.cohortOf.get(a) === this.cohortOf.get(b);
  }

  add(tenantId: string, kind: PoolKind, req: Resources, sign: 1 | -1 = 1): void {
    const qf = this.queues.get(tenantId)?.get(kind);
    if (!qf) throw new Error(`tenant ${tenantId} has no ${kind} quota`);
    const cf = this.cohortFlavor(tenantId, kind);
    for (const r of RESOURCE_NAMES) {
      const before = qf.usage[r];
      const after = before + sign * req[r];
      cf.drawn[r] += Math.max(0, after - qf.guaranteed[r]) - Math.max(0, before - qf.guaranteed[r]);
      qf.usage[r] = after;
    }
  }

  release(tenantId: string, kind: PoolKind, req: Resources): void {
    this.add(tenantId, kind, req, -1);
  }

  private cohortFlavor(tenantId: string, kind: PoolKind): CohortFlavor {
    return this.cohorts.get(this.cohortOf.get(tenantId) as string)?.get(kind) as CohortFlavor;
  }
}
