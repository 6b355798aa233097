import { int, str, type EnvOf } from '#env';

/** Variables of the inference scheduler, part of the orchestrator's env schema (docs/SCHEDULER.md, "Running it in the orchestrator"). */
export const schedulerEnvSchema = {
  /** YAML/JSON file with the node pools (and their inference backends), tenant quotas and scheduler config. */
  SCHEDULER_POOLS_FILE: str('apps/mcp-orchestrator-api/src/scheduler/scenarios/local.yaml'),
  /** How often replicas are maintained (pre-warm, hibernation) and the queue retried. */
  SCHEDULER_TICK_MS: int(1_000, { min: 50, max: 60_000 }),
  /** A placement still queued after this fails with SERVICE_UNAVAILABLE. */
  SCHEDULER_PLACEMENT_TIMEOUT_MS: int(120_000, { min: 100, max: 3_600_000 }),
};

export type SchedulerEnv = EnvOf<typeof schedulerEnvSchema>;
