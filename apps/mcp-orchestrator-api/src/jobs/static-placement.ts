import { readFileSync } from 'node:fs';
import { DomainError, ErrorCode } from '#contracts';
import { InferenceScheduler, type Placement, type PlacementRequest } from '../scheduler/scheduler.port.js';

export interface PoolSpec {
  name: string;
  nodes: string[];
  /** model → OpenAI-compatible API base (…/v1); "*" serves any model. */
  backends: Record<string, string>;
}

/**
 * Placement straight from a pools file: the first pool serving the model, its least busy node. It
 * implements the scheduler's port so the job path is the same with the real scheduler
 * (apps/mcp-orchestrator-api/src/scheduler), which replaces it by binding InferenceScheduler.
 */
export class StaticPlacement extends InferenceScheduler {
  private readonly busy = new Map<string, number>();
  private readonly placed = new Map<string, string>();

  constructor(private readonly pools: PoolSpec[]) {
    super();
  }

  static fromFile(path: string): StaticPlacement {
    const parsed = JSON.parse(readFileSync(path, 'utf8')) as { pools?: PoolSpec[] };
    if (!Array.isArray(parsed.pools) || parsed.pools.some((p) => !p.name || !Array.isArray(p.nodes) || !p.nodes.length || !p.backends)) {
      throw new Error(`${path}: expected { pools: [{ name, nodes: [..], backends: { model: url } }] }`);
    }
    return new StaticPlacement(parsed.pools);
  }

  async place(req: PlacementRequest): Promise<Placement> {
    const pool = this.pools.find((p) => p.backends[req.model]) ?? this.pools.find((p) => p.backends['*']);
    if (!pool) throw new DomainError(ErrorCode.SERVICE_UNAVAILABLE, `No pool serves model "${req.model}"`, { model: req.model });
    const node = pool.nodes.reduce((a, b) =>
      (this.busy.get(`${pool.name}/${b}`) ?? 0) < (this.busy.get(`${pool.name}/${a}`) ?? 0) ? b : a,
    );
    const key = `${pool.name}/${node}`;
    this.busy.set(key, (this.busy.get(key) ?? 0) + 1);
    this.placed.set(req.jobId, key);
    return {
      jobId: req.jobId,
      pool: pool.name,
      node,
      backendUrl: (pool.backends[req.model] ?? pool.backends['*'])!,
      warm: true,
      predictedWaitMs: 0,
    };
  }

  release(jobId: string): void {
    const key = this.placed.get(jobId);
    if (!key) return;
    this.placed.delete(jobId);
    this.busy.set(key, Math.max(0, (this.busy.get(key) ?? 1) - 1));
  }

  onPreempted(): void {
    // Static pools never preempt.
  }
}
