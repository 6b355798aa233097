import { bool, int, oneOf, optional, str, url, type EnvOf, type Schema } from './schema.js';

/** Pieces every app's schema is assembled from; defaults fit a machine running the standard local services. */
export const runtimeEnv = {
  NODE_ENV: oneOf(['development', 'test', 'production'] as const, 'development'),
  LOG_LEVEL: oneOf(['debug', 'info', 'warn', 'error'] as const, 'info'),
  HTTP_HOST: str('0.0.0.0'),
  /** Largest request body accepted, in bytes (413 above it). */
  HTTP_BODY_LIMIT: int(1_048_576, { min: 1024, max: 64 * 1_048_576 }),
  /** Upper bound for finishing in-flight work after SIGTERM before the process exits anyway. */
  SHUTDOWN_TIMEOUT_MS: int(10_000, { min: 0, max: 120_000 }),
} satisfies Schema;

export const natsEnv = {
  NATS_URL: url('nats://127.0.0.1:4222', ['nats', 'tls']),
  /** Prepended to every subject this process uses; isolates test runs sharing one NATS server. */
  NATS_SUBJECT_PREFIX: str('', { pattern: /^([a-z0-9_-]+\.)?$/ }),
  NATS_REQUEST_TIMEOUT_MS: int(5_000, { min: 10, max: 120_000 }),
} satisfies Schema;

export const databaseEnv = {
  DATABASE_URL: url('postgres://postgres@127.0.0.1:5432/mcp', ['postgres', 'postgresql'], { secret: true }),
  DATABASE_POOL_SIZE: int(10, { min: 1, max: 200 }),
  /** Apply pending migrations at start (development default); production runs `npm run migrate` as a Job. */
  MIGRATIONS_RUN: optional(bool()),
} satisfies Schema;

export const redisEnv = {
  REDIS_URL: url('redis://127.0.0.1:6379', ['redis', 'rediss'], { secret: true }),
  /** Prepended to every key; isolates test runs sharing one Redis. */
  REDIS_KEY_PREFIX: str('mcp:', { pattern: /^[A-Za-z0-9:_-]*$/ }),
} satisfies Schema;

export const tracingEnv = {
  OTEL_SDK_DISABLED: bool(false),
  OTEL_EXPORTER_OTLP_ENDPOINT: url('http://127.0.0.1:4318', ['http', 'https']),
  OTEL_SERVICE_NAMESPACE: str('mcp'),
  /** How long finished spans wait to be exported in a batch (the SDK's default is 5 s). */
  OTEL_BSP_SCHEDULE_DELAY: int(1_000, { min: 10, max: 60_000 }),
} satisfies Schema;

export type RuntimeEnv = EnvOf<typeof runtimeEnv>;
export type NatsEnv = EnvOf<typeof natsEnv>;
export type DatabaseEnv = EnvOf<typeof databaseEnv>;
export type RedisEnv = EnvOf<typeof redisEnv>;
export type TracingEnv = EnvOf<typeof tracingEnv>;

/** Whether this process applies its own migrations at start. */
export function shouldRunMigrations(env: RuntimeEnv & DatabaseEnv): boolean {
  return env.MIGRATIONS_RUN ?? env.NODE_ENV !== 'production';
}

/** Injection token for the app's parsed environment (each app injects it with its own type). */
export const APP_ENV = Symbol('APP_ENV');
