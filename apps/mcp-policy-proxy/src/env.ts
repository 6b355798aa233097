import { databaseEnv, int, list, natsEnv, runtimeEnv, port, type EnvOf } from '#env';

/** Every variable mcp-policy-proxy reads, with its default for a local machine (docs/CONFIGURATION.md). */
export const policyProxyEnvSchema = {
  ...runtimeEnv,
  ...natsEnv,
  ...databaseEnv,
  HTTP_PORT: port(8082),
  /** Decisions appended to the decision log per database round trip. */
  POLICY_DECISION_LOG_BATCH: int(2000, { min: 1, max: 10_000 }),
  /** Longest a decision waits in memory before it is written (ms). */
  POLICY_DECISION_LOG_FLUSH_MS: int(200, { min: 10, max: 60_000 }),
  /** Decisions held while Postgres is unreachable; beyond it the oldest are dropped and counted. */
  POLICY_DECISION_LOG_MAX_BUFFERED: int(200_000, { min: 1000, max: 5_000_000 }),
  /** Days decisions are kept; 0 keeps them forever. */
  POLICY_DECISION_LOG_RETENTION_DAYS: int(90, { min: 0, max: 3650 }),
  /** Dotted input paths masked in the decision log (`*` matches any key); credential-like keys are always masked. */
  POLICY_DECISION_LOG_MASK: list(['subject.attributes.email', 'subject.attributes.phone', 'resource.attributes.pii']),
  /** How often an instance checks the database version in case it missed a change event (ms). */
  POLICY_RESYNC_INTERVAL_MS: int(5_000, { min: 100, max: 600_000 }),
};

export type PolicyProxyEnv = EnvOf<typeof policyProxyEnvSchema>;
