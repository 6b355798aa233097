// Scenario files (YAML or JSON): pools, tenants and quotas, the seeded mapping of trace
// requests to tenants/tiers/models, SLOs and spot behaviour. The same file format feeds
// the orchestrator (SCHEDULER_POOLS_FILE), which only reads `pools`, `tenants` and `config`.

import { parse as parseYaml } from 'yaml';
import {
  POOL_KINDS,
  RESOURCE_NAMES,
  type ClusterSpec,
  type FlavorQuota,
  type ModelServing,
  type NodeSpec,
  type PoolKind,
  type PoolSpec,
  type Resources,
  type SchedulerConfig,
  type Taint,
  type TenantSpec,
  type Tier,
} from '../core/types.js';

export interface PoolFile {
  name: string;
  kind: PoolKind;
  spot?: boolean;
  costPerNodeHour: number;
  labels?: Record<string, string>;
  taints?: Taint[];
  /** Either explicit nodes or a count of identical nodes named <pool>-<i>. */
  nodes?: NodeSpec[];
  nodeCount?: number;
  nodeAllocatable?: Resources;
  models: ModelServing[];
}

/** A group of tenants with the same tier, weight and quota; ids are <prefix><nn>. */
export interface TenantGroupFile {
  prefix: string;
  count: number;
  tier: Tier;
  weight?: number;
  cohort?: string;
  /** Share of all trace requests that goes to this group. */
  traffic: number;
  /** Within the group, tenant i gets traffic ∝ 1 / (i + 1)^skew (0: equal). */
  skew?: number;
  quotas: Partial<Record<PoolKind, FlavorQuota>>;
}

export interface MappingFile {
  seed: number;
  /** Model mix per tier (weights). */
  models: Record<Tier, Record<string, number>>;
  /** Requests whose context exceeds this go to `longContextModel`. */
  longContextTokens?: number;
  longContextModel?: string;
  /** Resource request of one sequence of each model. */
  jobResources: Record<string, Resources>;
  /** Probability that a job of the tier accepts spot capacity. */
  spotTolerant: Record<Tier, number>;
  /** Probability that a job is marked high priority inside its tenant. */
  highPriority: number;
}

/** Quotas for a tenant the file does not list, by its tier (the orchestrator onboards
 * tenants as their first job arrives). */
export interface TenantDefaultsFile {
  weight?: number;
  cohort?: string;
  quotas: Partial<Record<PoolKind, FlavorQuota>>;
}

export interface ScenarioFile {
  name: string;
  description?: string;
  config?: Partial<SchedulerConfig>;
  pools: PoolFile[];
  tenants: TenantGroupFile[];
  tenantDefaults?: Partial<Record<Tier, TenantDefaultsFile>>;
  mapping?: MappingFile;
  /** Time-to-first-token objective per tier. */
  slo?: Record<Tier, { ttftMs: number }>;
  /** Simulated time before the first arrival, so a run starts from a running platform
   * (pre-warmed replicas loaded) rather than from a cold cluster. */
  warmupMs?: number;
  /** Spot reclaims: expected per spot node-hour, and how long the node stays gone. */
  spotReclaim?: { perNodeHour: number; downMs: number };
}

export interface Scenario {
  file: ScenarioFile;
  cluster: ClusterSpec;
  /** Traffic share of each tenant (sums to 1). */
  traffic: Map<string, number>;
}

export function parseScenario(text: string, format: 'yaml' | 'json'): Scenario {
  const file = (format === 'json' ? JSON.parse(text) : parseYaml(text)) as ScenarioFile;
  return buildScenario(file);
}

export function buildScenario(file: ScenarioFile): Scenario {
  const problems: string[] = [];
  if (!file || typeof file !== 'object') throw new Error('scenario: not an object');
  if (!Array.isArray(file.pools) || file.pools.length === 0) problems.push('pools: at least one pool');
  if (!Array.isArray(file.tenants)) problems.push('tenants: a list of tenant groups (may be empty)');
  if (problems.length) throw new Error(`scenario ${file.name ?? '?'}: ${problems.join('; ')}`);

  const pools: PoolSpec[] = file.pools.map((p, i) => {
    const where = `pools[${i}] (${p.name})`;
    if (!POOL_KINDS.includes(p.kind)) problems.push(`${where}: kind must be one of ${POOL_KINDS.join('|')}`);
    if (!(p.costPerNodeHour >= 0)) problems.push(`${where}: costPerNodeHour must be ≥ 0`);
    if (!Array.isArray(p.models) || p.models.length === 0) problems.push(`${where}: models must list what it serves`);
    for (const m of p.models ?? []) {
      if (!(m.prefillTokensPerSec > 0 && m.decodeTokensPerSec > 0)) problems.push(`${where}: ${m.model} needs positive token rates`);
      if (!(m.coldStartMs >= 0 && m.resumeMs >= 0)) problems.push(`${where}: ${m.model} needs coldStartMs and resumeMs`);
      if (typeof m.backendUrl !== 'string' || !/^https?:\/\//.test(m.backendUrl))
        problems.push(`${where}: ${m.model} needs an http(s) backendUrl`);
    }
    let nodes = p.nodes;
    if (!nodes) {
      const alloc = p.nodeAllocatable;
      if (!alloc || !(Number(p.nodeCount) >= 0)) {
        problems.push(`${where}: give nodes, or nodeCount with nodeAllocatable`);
        nodes = [];
      } else {
        nodes = Array.from({ length: p.nodeCount as number }, (_, n) => ({
          name: `${p.name}-${String(n).padStart(3, '0')}`,
          allocatable: { ...alloc },
        }));
      }
    }
    for (const n of nodes) {
      for (const r of RESOURCE_NAMES) if (!(n.allocatable?.[r] >= 0)) problems.push(`${where}: node ${n.name} lacks allocatable.${r}`);
    }
    return {
      name: p.name,
      kind: p.kind,
      spot: p.spot ?? false,
      costPerNodeHour: p.costPerNodeHour,
      labels: p.labels ?? {},
      taints: p.taints ?? [],
      nodes,
      models: p.models ?? [],
    };
  });

  const tenants: TenantSpec[] = [];
  const traffic = new Map<string, number>();
  const trafficTotal = file.tenants.reduce((s, g) => s + (g.traffic ?? 0), 0);
  for (const [gi, g] of file.tenants.entries()) {
    const where = `tenants[${gi}] (${g.prefix})`;
    if (!/^[a-z][a-z0-9_]*$/.test(g.prefix ?? '')) problems.push(`${where}: prefix must match [a-z][a-z0-9_]*`);
    if (!(g.count >= 1)) problems.push(`${where}: count ≥ 1`);
    if (!['premium', 'standard', 'free'].includes(g.tier)) problems.push(`${where}: tier premium|standard|free`);
    const skew = g.skew ?? 0;
    const raw = Array.from({ length: g.count }, (_, i) => 1 / Math.pow(i + 1, skew));
    const rawSum = raw.reduce((s, x) => s + x, 0);
    for (let i = 0; i < g.count; i++) {
      const id = `${g.prefix}${String(i + 1).padStart(2, '0')}`;
      tenants.push({ id, tier: g.tier, weight: g.weight ?? 1, cohort: g.cohort ?? 'default', quotas: g.quotas ?? {} });
      traffic.set(id, trafficTotal > 0 ? ((g.traffic ?? 0) / trafficTotal) * ((raw[i] as number) / rawSum) : 0);
    }
  }
  if (problems.length) throw new Error(`scenario ${file.name}: ${problems.join('; ')}`);
  return { file, cluster: { pools, tenants }, traffic };
}
