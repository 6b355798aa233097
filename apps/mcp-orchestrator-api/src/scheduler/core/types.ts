// Data model of the scheduler core. Plain data: scenario files, mcp-config and the
// simulator all produce these shapes; the core never reads a clock or a file.

export type PoolKind = 'standard' | 'compute' | 'memory' | 'gpu';
export const POOL_KINDS: readonly PoolKind[] = ['standard', 'compute', 'memory', 'gpu'];

export type Tier = 'premium' | 'standard' | 'free';
/** Higher band is served first and may preempt lower bands' borrowed work. */
export const TIER_BAND: Readonly<Record<Tier, number>> = { premium: 2, standard: 1, free: 0 };

export interface Resources {
  cpu: number;
  memoryMiB: number;
  gpu: number;
}
export const RESOURCE_NAMES = ['cpu', 'memoryMiB', 'gpu'] as const;
export type ResourceName = (typeof RESOURCE_NAMES)[number];

export interface Taint {
  key: string;
  value?: string;
  effect: 'NoSchedule' | 'PreferNoSchedule' | 'NoExecute';
}

export interface Toleration {
  key: string;
  operator: 'Equal' | 'Exists';
  value?: string;
  effect?: Taint['effect'];
}

/** How fast one replica of a model runs one sequence on this pool (continuous batching: a
 * node runs as many sequences as its allocatable resources admit, each at these rates). */
export interface ModelServing {
  model: string;
  prefillTokensPerSec: number;
  decodeTokensPerSec: number;
  /** Load weights onto a node that never served the model (or lost its snapshot). */
  coldStartMs: number;
  /** Resume a hibernated replica whose state was kept. */
  resumeMs: number;
  /** OpenAI-compatible endpoint of this pool's inference backend for the model. */
  backendUrl: string;
  /** Pre-warm: replicas kept loaded even when idle (premium models). */
  minWarmReplicas?: number;
}

export interface NodeSpec {
  name: string;
  allocatable: Resources;
  labels?: Record<string, string>;
}

export interface PoolSpec {
  name: string;
  kind: PoolKind;
  spot: boolean;
  costPerNodeHour: number;
  labels: Record<string, string>;
  taints: Taint[];
  nodes: NodeSpec[];
  models: ModelServing[];
}

export interface FlavorQuota {
  nominal: Resources;
  /** How far above nominal this queue may go by borrowing the cohort's unused quota. */
  borrowingLimit: Resources;
  /** How much of this queue's nominal others may borrow. */
  lendingLimit: Resources;
}

export interface TenantSpec {
  id: string;
  tier: Tier;
  /** Fair-sharing weight (dominant resource share is divided by it). */
  weight: number;
  cohort: string;
  quotas: Partial<Record<PoolKind, FlavorQuota>>;
  /** Pools this tenant may use; absent means every pool. */
  allowedPools?: string[];
}

export interface JobSpec {
  id: string;
  tenantId: string;
  tier: Tier;
  model: string;
  priority: number;
  promptTokens: number;
  outputTokens: number;
  resources: Resources;
  spotTolerant: boolean;
}

export interface ScoreWeights {
  warm: number;
  predictedWait: number;
  binPacking: number;
  cost: number;
  spot: number;
  spread: number;
}

export interface SchedulerConfig {
  weights: ScoreWeights;
  /** Ready replicas idle this long hibernate (their state is kept for a fast resume). */
  idleTtlMs: number;
  /** Start a new replica when the predicted wait for a loaded one exceeds its start time × this. */
  scaleUpWaitRatio: number;
  /** Allow preemption (reclaiming borrowed quota, higher tier over lower). */
  preemption: boolean;
  /** Node scans for eviction victims in one scheduling pass; bounds a pass's cost. */
  preemptionScansPerPass: number;
  /** Let a tenant's higher-priority job evict its own lower-priority work of the same tier
   * (Kueue's withinClusterQueue: LowerPriority). Off by default: it trades finished work
   * for ordering that the queue already gives. */
  preemptWithinTenant: boolean;
  /** Evict only when the job's predicted wait for a slot to free up exceeds this: short
   * inference jobs free slots often, and an eviction throws finished work away. */
  preemptAfterWaitMs: number;
  /** Half-life of the recent-usage memory in a tenant's fair share (Kueue's admission fair
   * sharing usageHalfLifeTime). Ordering by the running share alone is memoryless: a tenant
   * whose burst lands while others hold the pool never makes up for it. 0 turns it off. */
  usageHalfLifeMs: number;
}

export const DEFAULT_CONFIG: SchedulerConfig = {
  weights: { warm: 4, predictedWait: 2, binPacking: 1, cost: 1, spot: 1, spread: 0.5 },
  idleTtlMs: 300_000,
  scaleUpWaitRatio: 1,
  preemption: true,
  preemptionScansPerPass: 2,
  preemptWithinTenant: false,
  preemptAfterWaitMs: 5000,
  usageHalfLifeMs: 120_000,
};

export interface ClusterSpec {
  pools: PoolSpec[];
  tenants: TenantSpec[];
}

export interface Binding {
  kind: 'bind';
  jobId: string;
  pool: string;
  node: string;
  backendUrl: string;
  /** The replica was loaded and ready: no cold start or resume. */
  warm: boolean;
  /** When the replica can start the job (bind time when warm). */
  startAt: number;
  /** Expected completion, from the pool's throughput model. */
  expectedEndAt: number;
}

export interface Preemption {
  kind: 'preempt';
  jobId: string;
  by: string | null;
  reason: 'reclaim' | 'priority' | 'spot-reclaim';
}

export type Decision = Binding | Preemption;

export function zeroResources(): Resources {
  return { cpu: 0, memoryMiB: 0, gpu: 0 };
}
