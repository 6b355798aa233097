// The seeded, documented mapping of trace requests to jobs (docs/SCHEDULER.md, "Mapping").
// Each request draws, from one PRNG seeded by the scenario's mapping seed, in this order:
// 1. tenant: by the scenario's traffic shares (group share × within-group skew);
// 2. model: requests longer than longContextTokens go to longContextModel, the rest by
//    the tenant tier's model mix;
// 3. spot tolerance: with the tier's probability;
// 4. priority: 10 with probability highPriority, else 0.
// Prompt tokens are the trace's context tokens, output tokens its generated tokens.

import type { JobSpec, Tier } from '../core/types.js';
import { pickWeighted, seededRng } from './rng.js';
import type { Scenario } from './scenario.js';
import type { TraceRequest } from './trace.js';

export interface MappedJob {
  arrivalMs: number;
  spec: JobSpec;
}

export function mapTrace(trace: readonly TraceRequest[], scenario: Scenario, load: number, seed?: number): MappedJob[] {
  const m = scenario.file.mapping;
  if (!m) throw new Error(`scenario ${scenario.file.name} has no mapping section`);
  if (!(load > 0)) throw new Error('load must be > 0');
  const rng = seededRng(seed ?? m.seed);
  const tenants = scenario.cluster.tenants;
  const tierOf = new Map<string, Tier>(tenants.map((t) => [t.id, t.tier]));
  const shares = Object.fromEntries(scenario.traffic) as Record<string, number>;
  return trace.map((r, i) => {
    const tenantId = pickWeighted(rng, shares);
    const tier = tierOf.get(tenantId) as Tier;
    const model =
      m.longContextModel && m.longContextTokens !== undefined && r.contextTokens > m.longContextTokens
        ? m.longContextModel
        : pickWeighted(rng, m.models[tier]);
    const resources = m.jobResources[model];
    if (!resources) throw new Error(`mapping.jobResources lacks ${model}`);
    const spotTolerant = rng() < m.spotTolerant[tier];
    const priority = rng() < m.highPriority ? 10 : 0;
    return {
      // Multiplying the arrival rate by `load` compresses the trace's timeline.
      arrivalMs: (scenario.file.warmupMs ?? 0) + r.atMs / load,
      spec: {
        id: `j${i}`,
        tenantId,
        tier,
        model,
        priority,
        promptTokens: r.contextTokens,
        outputTokens: Math.max(1, r.generatedTokens),
        resources: { ...resources },
        spotTolerant,
      },
    };
  });
}
