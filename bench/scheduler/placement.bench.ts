// Placement decisions per second and decision latency at platform scale:
// 1,000 nodes in 5 pools, 1,000 tenants, 10,000 queued jobs (issue 8, "Benchmark").
// Run: npm run build && node dist/bench/scheduler/placement.bench.js [--decisions 20000] [--seed 1]
//
// The cluster is first filled to capacity; then each step completes one running job, submits
// one new job (so 10,000 stay queued) and runs a scheduling pass, which makes one decision.
// Timed: the pass only, both in wall-clock time and in this process's CPU time (on a shared,
// oversubscribed machine the wall-clock tail is mostly time spent descheduled).

import { parseArgs } from 'node:util';
import { FairScheduler } from '../../apps/mcp-orchestrator-api/src/scheduler/core/fair-scheduler.js';
import type {
  ClusterSpec,
  JobSpec,
  PoolKind,
  PoolSpec,
  TenantSpec,
  Tier,
} from '../../apps/mcp-orchestrator-api/src/scheduler/core/types.js';
import { seededRng } from '../../apps/mcp-orchestrator-api/src/scheduler/sim/rng.js';

const { values } = parseArgs({ options: { decisions: { type: 'string', default: '20000' }, seed: { type: 'string', default: '1' } } });
const rng = seededRng(Number(values.seed));
const url = 'http://127.0.0.1:8090/v1';
const serving = (model: string, cold: number) => ({
  model,
  prefillTokensPerSec: 1000,
  decodeTokensPerSec: 30,
  coldStartMs: cold,
  resumeMs: cold / 10,
  backendUrl: url,
});

const POOLS: { name: string; kind: PoolKind; spot: boolean; cpu: number; mem: number; gpu: number; models: string[]; cost: number }[] = [
  { name: 'standard', kind: 'standard', spot: false, cpu: 8, mem: 32768, gpu: 0, models: ['small'], cost: 0.4 },
  { name: 'compute', kind: 'compute', spot: false, cpu: 32, mem: 131072, gpu: 0, models: ['small', 'mid'], cost: 1.5 },
  { name: 'memory', kind: 'memory', spot: false, cpu: 16, mem: 524288, gpu: 0, models: ['mid', 'long'], cost: 1 },
  { name: 'gpu', kind: 'gpu', spot: false, cpu: 96, mem: 1179648, gpu: 8, models: ['big'], cost: 32 },
  { name: 'gpu-spot', kind: 'gpu', spot: true, cpu: 96, mem: 1179648, gpu: 8, models: ['big'], cost: 12 },
];
const SHAPES: Record<string, JobSpec['resources']> = {
  small: { cpu: 1, memoryMiB: 4096, gpu: 0 },
  mid: { cpu: 2, memoryMiB: 8192, gpu: 0 },
  long: { cpu: 2, memoryMiB: 32768, gpu: 0 },
  big: { cpu: 4, memoryMiB: 32768, gpu: 1 },
};

const pools: PoolSpec[] = POOLS.map((p) => ({
  name: p.name,
  kind: p.kind,
  spot: p.spot,
  costPerNodeHour: p.cost,
  labels: {},
  taints: [
    ...(p.gpu ? [{ key: 'nvidia.com/gpu', value: 'present', effect: 'NoSchedule' as const }] : []),
    ...(p.spot ? [{ key: 'mcp.platform/spot', value: 'true', effect: 'NoSchedule' as const }] : []),
  ],
  nodes: Array.from({ length: 200 }, (_, i) => ({ name: `${p.name}-${i}`, allocatable: { cpu: p.cpu, memoryMiB: p.mem, gpu: p.gpu } })),
  models: p.models.map((m) => serving(m, 20_000)),
}));

const cap = (kind: PoolKind, r: 'cpu' | 'mem' | 'gpu') => POOLS.filter((p) => p.kind === kind).reduce((s, p) => s + 200 * p[r], 0);
const TENANTS = 1000;
const tiers: Tier[] = ['premium', 'standard', 'free'];
const tenants: TenantSpec[] = Array.from({ length: TENANTS }, (_, i) => {
  const quotas: TenantSpec['quotas'] = {};
  for (const kind of ['standard', 'compute', 'memory', 'gpu'] as PoolKind[]) {
    const nominal = { cpu: cap(kind, 'cpu') / TENANTS, memoryMiB: cap(kind, 'mem') / TENANTS, gpu: cap(kind, 'gpu') / TENANTS };
    quotas[kind] = { nominal, borrowingLimit: { cpu: 1e6, memoryMiB: 1e9, gpu: 1e6 }, lendingLimit: nominal };
  }
  return { id: `t${i}`, tier: tiers[i % 10 === 0 ? 0 : i % 3 === 0 ? 2 : 1] as Tier, weight: 1, cohort: 'all', quotas };
});
const spec: ClusterSpec = { pools, tenants };
const s = new FairScheduler(spec, { preemptAfterWaitMs: 60_000 });

let seq = 0;
function newJob(): JobSpec {
  const t = tenants[Math.floor(rng() * TENANTS)] as TenantSpec;
  const model = (['small', 'mid', 'long', 'big'] as const)[Math.floor(rng() * 4)] as string;
  return {
    id: `j${seq++}`,
    tenantId: t.id,
    tier: t.tier,
    model,
    priority: rng() < 0.2 ? 10 : 0,
    promptTokens: 200 + Math.floor(rng() * 3000),
    outputTokens: 20 + Math.floor(rng() * 400),
    resources: SHAPES[model] as JobSpec['resources'],
    spotTolerant: rng() < 0.5,
  };
}

let now = 0;
s.tick(now);
// Fill: queue enough to saturate every pool, bind, then top the queue up to 10,000.
for (let i = 0; i < 40_000; i++) s.submit(newJob(), now);
const fillStart = performance.now();
const filled = s.schedule(now).filter((d) => d.kind === 'bind').length;
const fillMs = performance.now() - fillStart;
while (s.pendingCount < 10_000) s.submit(newJob(), now);
// Keep exactly 10,000 queued by withdrawing the newest extra jobs.
for (let k = seq - 1; s.pendingCount > 10_000; k--) s.cancel(`j${k}`);
console.log(
  `filled: ${filled} running after one pass of ${fillMs.toFixed(0)} ms; queued ${s.pendingCount}; nodes ${pools.reduce((n, p) => n + p.nodes.length, 0)}; tenants ${TENANTS}`,
);

const target = Number(values.decisions);
const times: number[] = [];
const cpuTimes: number[] = [];
let decisions = 0;
let total = 0;
let totalCpu = 0;
let emptyPasses = 0;
const running = [...s.cluster.running.keys()];
while (decisions < target) {
  now += 10;
  const victim = Math.floor(rng() * running.length);
  const id = running[victim] as string;
  running[victim] = running[running.length - 1] as string;
  running.pop();
  s.complete(id, now);
  s.submit(newJob(), now);
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  const ds = s.schedule(now);
  const dt = performance.now() - t0;
  const c1 = process.cpuUsage(c0);
  const dc = (c1.user + c1.system) / 1000;
  total += dt;
  totalCpu += dc;
  const bound = ds.filter((d) => d.kind === 'bind');
  for (const d of ds) if (d.kind === 'preempt') running.splice(running.indexOf(d.jobId), 1);
  for (const b of bound) running.push(b.jobId);
  if (bound.length === 0) {
    emptyPasses++;
    continue;
  }
  decisions += bound.length;
  for (let k = 0; k < bound.length; k++) {
    times.push(dt / bound.length);
    cpuTimes.push(dc / bound.length);
  }
}
times.sort((a, b) => a - b);
cpuTimes.sort((a, b) => a - b);
const at = (xs: number[], p: number) => (xs[Math.min(xs.length - 1, Math.ceil((p / 100) * xs.length) - 1)] as number).toFixed(3);
const pct = (p: number) => at(times, p);
console.log(`queued at end: ${s.pendingCount}; running: ${s.cluster.running.size}; preemptions: ${s.preemptionCount}`);
console.log(`decisions: ${decisions} in ${total.toFixed(0)} ms of scheduling (${emptyPasses} passes made none)`);
console.log(`decisions/s: ${Math.round(decisions / (total / 1000))}`);
console.log(`decision time ms (wall): p50 ${pct(50)}  p99 ${pct(99)}  max ${pct(100)}`);
console.log(`decisions per CPU-second: ${Math.round(decisions / (totalCpu / 1000))}`);
console.log(`decision CPU time ms: p50 ${at(cpuTimes, 50)}  p99 ${at(cpuTimes, 99)}  max ${at(cpuTimes, 100)}`);
console.log(
  `machine load average: ${(await import('node:os'))
    .loadavg()
    .map((x) => x.toFixed(1))
    .join(' ')} on ${(await import('node:os')).cpus().length} CPUs`,
);
