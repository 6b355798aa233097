import { databaseEnv, int, natsEnv, optional, runtimeEnv, port, str, type EnvOf } from '#env';

/** Every variable mcp-tracehub reads, with its default for a local machine (docs/CONFIGURATION.md). */
export const tracehubEnvSchema = {
  ...runtimeEnv,
  ...natsEnv,
  ...databaseEnv,
  HTTP_PORT: port(8084),
  /** OTLP/HTTP ingest listener (POST /v1/traces). */
  OTLP_PORT: port(4318),
  /** Admin listener: /health/*, /metrics of the hub itself. */
  ADMIN_PORT: port(14269),
  /** Largest OTLP request body, compressed and after gunzip, in bytes (413 above it). */
  OTLP_BODY_LIMIT: int(8 * 1_048_576, { min: 1024, max: 64 * 1_048_576 }),
  /** Spans held in memory between the OTLP endpoint and Postgres; a full queue answers 503. */
  TRACEHUB_QUEUE_CAPACITY: int(200_000, { min: 1, max: 5_000_000 }),
  TRACEHUB_BATCH_SIZE: int(2_000, { min: 1, max: 20_000 }),
  TRACEHUB_BATCH_LINGER_MS: int(50, { min: 0, max: 10_000 }),
  /** Batches written to Postgres in parallel. */
  TRACEHUB_WRITERS: int(2, { min: 1, max: 16 }),
  TRACEHUB_RETRY_MAX_MS: int(5_000, { min: 10, max: 60_000 }),
  /** Days of spans kept; older day partitions are dropped. */
  TRACEHUB_RETENTION_DAYS: int(7, { min: 1, max: 366 }),
  /** Day partitions created ahead of today. */
  TRACEHUB_PARTITIONS_AHEAD: int(2, { min: 1, max: 31 }),
  TRACEHUB_MAINTENANCE_INTERVAL_MS: int(3_600_000, { min: 1_000, max: 86_400_000 }),
  /** Bearer token operators (Grafana, Jaeger UI) present on the HTTP query API; unset disables it. */
  TRACEHUB_QUERY_TOKEN: optional(str(undefined, { secret: true, minLength: 16 })),
};

export type TracehubEnv = EnvOf<typeof tracehubEnvSchema>;
