// What a simulation run reports: latency percentiles per tier and tenant, SLO attainment,
// utilization and cost per pool, preemptions, and fairness.
//
// Fairness (docs/SCHEDULER.md, "Fairness"): time is cut into windows (5 minutes). In each
// window a tenant's demand is the dominant share of every job of it that was queued or
// running, times the time it was; its allocation the same for the time its jobs held a
// node. Inside a tier (equal weights) the capacity actually used, C = Σ allocation, is
// divided by weighted max-min fairness capped at demand (water-filling): that is each
// tenant's entitled share. A window is contended when demand exceeds allocation by 5%.
// Jain's index is taken over allocation / entitlement of the tenants whose demand is at
// least 2% of C (a job or two straddling a window edge would otherwise dominate the index),
// and a tenant-window is "within ±10%" when allocation is within 10% of entitlement.

import { RESOURCE_NAMES, type Resources, type Tier } from '../core/types.js';
import type { Scenario } from './scenario.js';
import type { JobRecord, SimResult } from './simulator.js';

export interface Percentiles {
  p50: number;
  p95: number;
  p99: number;
}

export interface GroupStats {
  count: number;
  wait: Percentiles;
  ttft: Percentiles;
  e2e: Percentiles;
  sloAttainment: number;
}

export interface FairnessStats {
  contendedWindows: number;
  jainMean: number;
  jainMin: number;
  /** Fraction of contended tenant-windows whose allocation is within ±10% of entitlement. */
  within10: number;
}

export interface RunReport {
  policy: string;
  overall: GroupStats;
  byTier: Partial<Record<Tier, GroupStats>>;
  byTenant: Record<string, GroupStats>;
  utilization: Record<string, number>;
  nodesOnMean: Record<string, number>;
  cost: number;
  preemptions: number;
  spotEvictions: number;
  coldStarts: number;
  resumes: number;
  warmHitRate: number;
  fairness: FairnessStats;
  simulatedMs: number;
  wallMs: number;
}

export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return NaN;
  const rank = Math.ceil((p / 100) * sorted.length) - 1;
  return sorted[Math.min(sorted.length - 1, Math.max(0, rank))] as number;
}

function pcts(values: number[]): Percentiles {
  values.sort((a, b) => a - b);
  return { p50: percentile(values, 50), p95: percentile(values, 95), p99: percentile(values, 99) };
}

export function groupStats(jobs: readonly JobRecord[], sloMs: (tier: Tier) => number): GroupStats {
  const wait: number[] = [];
  const ttft: number[] = [];
  const e2e: number[] = [];
  let met = 0;
  for (const j of jobs) {
    wait.push(j.startAt - j.arrival);
    const t = j.firstTokenAt - j.arrival;
    ttft.push(t);
    e2e.push(j.endAt - j.arrival);
    if (t <= sloMs(j.spec.tier)) met++;
  }
  return { count: jobs.length, wait: pcts(wait), ttft: pcts(ttft), e2e: pcts(e2e), sloAttainment: jobs.length ? met / jobs.length : NaN };
}

/** Jain's fairness index: (Σx)² / (n·Σx²); 1 when all equal. */
export function jain(xs: readonly number[]): number {
  if (xs.length === 0) return NaN;
  let s = 0;
  let s2 = 0;
  for (const x of xs) {
    s += x;
    s2 += x * x;
  }
  return s2 === 0 ? 1 : (s * s) / (xs.length * s2);
}

/** Weighted max-min fair split of `capacity` with each share capped at its demand. */
export function waterFill(capacity: number, demand: readonly number[], weight: readonly number[]): number[] {
  const alloc = demand.map(() => 0);
  let left = capacity;
  let active = demand.map((d, i) => i).filter((i) => (demand[i] as number) > 0);
  while (left > 1e-12 && active.length > 0) {
    const wsum = active.reduce((s, i) => s + (weight[i] as number), 0);
    const unit = left / wsum;
    const saturated = active.filter((i) => (demand[i] as number) - (alloc[i] as number) <= unit * (weight[i] as number));
    if (saturated.length === 0) {
      for (const i of active) alloc[i] = (alloc[i] as number) + unit * (weight[i] as number);
      break;
    }
    for (const i of saturated) {
      left -= (demand[i] as number) - (alloc[i] as number);
      alloc[i] = demand[i] as number;
    }
    active = active.filter((i) => !saturated.includes(i));
  }
  return alloc;
}

function overlap(a0: number, a1: number, b0: number, b1: number): number {
  return Math.max(0, Math.min(a1, b1) - Math.max(a0, b0));
}

export function fairness(jobs: readonly JobRecord[], scenario: Scenario, capacity: Resources, windowMs = 300_000): FairnessStats {
  const weightOf = new Map(scenario.cluster.tenants.map((t) => [t.id, t.weight]));
  const end = Math.max(0, ...jobs.map((j) => j.endAt));
  const nWin = Math.ceil(end / windowMs);
  // tier → tenant → per-window [demand, allocation]
  const acc = new Map<Tier, Map<string, Float64Array>>();
  for (const j of jobs) {
    let ds = 0;
    for (const r of RESOURCE_NAMES) if (capacity[r] > 0) ds = Math.max(ds, j.spec.resources[r] / capacity[r]);
    let tiers = acc.get(j.spec.tier);
    if (!tiers) acc.set(j.spec.tier, (tiers = new Map()));
    let arr = tiers.get(j.spec.tenantId);
    if (!arr) tiers.set(j.spec.tenantId, (arr = new Float64Array(nWin * 2)));
    const w0 = Math.floor(j.arrival / windowMs);
    const w1 = Math.min(nWin - 1, Math.floor(j.endAt / windowMs));
    for (let w = w0; w <= w1; w++) {
      const s = w * windowMs;
      const e = s + windowMs;
      arr[2 * w] = (arr[2 * w] as number) + ds * overlap(j.arrival, j.endAt, s, e);
      for (const [h0, h1] of j.held) arr[2 * w + 1] = (arr[2 * w + 1] as number) + ds * overlap(h0, h1, s, e);
    }
  }
  const jains: number[] = [];
  let within = 0;
  let pairs = 0;
  for (const tenants of acc.values()) {
    const ids = [...tenants.keys()];
    for (let w = 0; w < nWin; w++) {
      const d = ids.map((id) => (tenants.get(id) as Float64Array)[2 * w] as number);
      const a = ids.map((id) => (tenants.get(id) as Float64Array)[2 * w + 1] as number);
      const dSum = d.reduce((s, x) => s + x, 0);
      const aSum = a.reduce((s, x) => s + x, 0);
      if (aSum <= 0 || dSum <= aSum * 1.05) continue;
      const e = waterFill(
        aSum,
        d,
        ids.map((id) => weightOf.get(id) ?? 1),
      );
      const xs: number[] = [];
      for (let i = 0; i < ids.length; i++) {
        const ei = e[i] as number;
        if (ei <= 0 || (d[i] as number) < 0.02 * aSum) continue;
        const x = (a[i] as number) / ei;
        xs.push(x);
        pairs++;
        if (Math.abs(x - 1) <= 0.1) within++;
      }
      if (xs.length >= 2) jains.push(jain(xs));
    }
  }
  return {
    contendedWindows: jains.length,
    jainMean: jains.length ? jains.reduce((s, x) => s + x, 0) / jains.length : NaN,
    jainMin: jains.length ? Math.min(...jains) : NaN,
    within10: pairs ? within / pairs : NaN,
  };
}

export function report(result: SimResult, scenario: Scenario): RunReport {
  const slo = scenario.file.slo;
  const sloMs = (tier: Tier): number => slo?.[tier]?.ttftMs ?? Infinity;
  const jobs = result.jobs;
  const byTier: Partial<Record<Tier, GroupStats>> = {};
  for (const tier of ['premium', 'standard', 'free'] as Tier[]) {
    const js = jobs.filter((j) => j.spec.tier === tier);
    if (js.length) byTier[tier] = groupStats(js, sloMs);
  }
  const byTenant: Record<string, GroupStats> = {};
  const perTenant = new Map<string, JobRecord[]>();
  for (const j of jobs) {
    const list = perTenant.get(j.spec.tenantId) ?? [];
    list.push(j);
    perTenant.set(j.spec.tenantId, list);
  }
  for (const [id, js] of [...perTenant].sort(([a], [b]) => a.localeCompare(b))) byTenant[id] = groupStats(js, sloMs);
  const utilization: Record<string, number> = {};
  const nodesOnMean: Record<string, number> = {};
  result.poolNames.forEach((name, i) => {
    const s = result.samples;
    utilization[name] = s.reduce((sum, x) => sum + (x.util[i] as number), 0) / Math.max(1, s.length);
    nodesOnMean[name] = s.reduce((sum, x) => sum + (x.nodesOn[i] as number), 0) / Math.max(1, s.length);
  });
  return {
    policy: result.policy,
    overall: groupStats(jobs, sloMs),
    byTier,
    byTenant,
    utilization,
    nodesOnMean,
    cost: result.cost,
    preemptions: result.preemptions.reclaimOrPriority,
    spotEvictions: result.preemptions.spot,
    coldStarts: result.cluster.counters.coldStarts,
    resumes: result.cluster.counters.resumes,
    warmHitRate: jobs.filter((j) => j.warm).length / Math.max(1, jobs.length),
    fairness: fairness(jobs, scenario, result.cluster.capacity),
    simulatedMs: result.endMs,
    wallMs: result.wallMs,
  };
}
