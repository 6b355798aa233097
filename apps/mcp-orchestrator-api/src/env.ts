import { bool, databaseEnv, int, natsEnv, runtimeEnv, port, str, type EnvOf } from '#env';
import { schedulerEnvSchema } from './scheduler/scheduler.env.js';

/** Every variable mcp-orchestrator-api reads, with its default for a local machine (docs/CONFIGURATION.md). */
export const orchestratorApiEnvSchema = {
  ...runtimeEnv,
  ...natsEnv,
  ...databaseEnv,
  ...schedulerEnvSchema,
  HTTP_PORT: port(8081),
  /** Default and ceiling for one upstream MCP tool call. */
  TOOL_CALL_TIMEOUT_MS: int(30_000, { min: 100, max: 600_000 }),
  /** Live MCP sessions kept per upstream server. */
  UPSTREAM_POOL_SIZE: int(4, { min: 1, max: 64 }),
  UPSTREAM_CONNECT_TIMEOUT_MS: int(5_000, { min: 100, max: 60_000 }),
  /** Consecutive upstream failures that open its circuit, and how long it stays open. */
  UPSTREAM_BREAKER_FAILURES: int(5, { min: 1, max: 1000 }),
  UPSTREAM_BREAKER_RESET_MS: int(30_000, { min: 100, max: 600_000 }),
  /** Scheduled re-listing of every registered server (0 = only on demand and on list_changed). */
  REGISTRY_REFRESH_INTERVAL_MS: int(300_000, { min: 0, max: 86_400_000 }),
  /** Default for new servers: quarantine changed tool definitions until approved. */
  REGISTRY_QUARANTINE_ON_CHANGE: bool(true),
  /**
   * How long a replica may reuse a resolved server and tool version for calls (0 = look up every call).
   * Changes drop entries at once on every replica through events.orchestrator.tool.changed; this only
   * bounds staleness if such an event is lost.
   */
  REGISTRY_CACHE_TTL_MS: int(10_000, { min: 0, max: 600_000 }),
  /** Tool-call usage is aggregated in memory and written this often (and at shutdown). */
  USAGE_FLUSH_INTERVAL_MS: int(1_000, { min: 10, max: 60_000 }),
  /** Distinct (tenant, day, subject) rows held before a flush; beyond it samples are written directly. */
  USAGE_BUFFER_MAX_ROWS: int(10_000, { min: 1, max: 1_000_000 }),
  /** JetStream stream holding dispatched workflow steps (prefixed in tests like every subject). */
  STEP_STREAM: str('ORCHESTRATOR_STEPS', { pattern: /^[A-Za-z0-9_-]{1,64}$/ }),
  /** A step message not acked within this time is redelivered (in-flight steps extend it). */
  STEP_ACK_WAIT_MS: int(30_000, { min: 500, max: 600_000 }),
  /** Deliveries of one step attempt or job that reached the database before it is failed as undeliverable. */
  STEP_MAX_DELIVER: int(10, { min: 2, max: 1000 }),
  /** Steps one replica runs at the same time. */
  STEP_CONCURRENCY: int(64, { min: 1, max: 1024 }),
  /** Default per-step timeout when the definition has none. */
  STEP_DEFAULT_TIMEOUT_MS: int(60_000, { min: 100, max: 3_600_000 }),
  /** How often queued-but-unpublished steps (a crash between commit and publish) are re-published. */
  STEP_SWEEP_INTERVAL_MS: int(5_000, { min: 200, max: 600_000 }),
  INFERENCE_TIMEOUT_MS: int(120_000, { min: 100, max: 3_600_000 }),
};

export type OrchestratorApiEnv = EnvOf<typeof orchestratorApiEnvSchema>;
