import { databaseEnv, int, key, list, natsEnv, optional, runtimeEnv, port, str, type EnvOf } from '#env';

/**
 * Development-only key material, so `npm start` works on a fresh machine. bootstrap.ts
 * refuses to start with either of them when NODE_ENV=production.
 */
export const DEV_KEK = 'ZGV2LW9ubHkta2VrLWRvLW5vdC11c2UtaW4tcHJvZCE=';
export const DEV_API_KEY_PEPPER = 'dev-only-api-key-pepper-do-not-use-in-production';

/** Every variable mcp-config reads, with its default for a local machine (docs/CONFIGURATION.md). */
export const configEnvSchema = {
  ...runtimeEnv,
  ...natsEnv,
  ...databaseEnv,
  HTTP_PORT: port(8083),
  /** Key-encryption key (32 bytes, base64) that wraps the data key of every stored secret. */
  CONFIG_KEK: key(32, DEV_KEK),
  /**
   * Comma-separated previous KEKs (base64), kept only until config.secret.rotate has
   * re-wrapped every data key under CONFIG_KEK. Never logged.
   */
  CONFIG_KEK_PREVIOUS: { ...list([]), secret: true },
  /** HMAC key under which API keys are stored (at least 32 characters). */
  API_KEY_PEPPER: str(DEV_API_KEY_PEPPER, { minLength: 32, secret: true }),
  /** Every this often, re-publish change events that could not be published at commit (NATS down). */
  OUTBOX_SWEEP_MS: int(1_000, { min: 50, max: 60_000 }),
  /** Retry interval for tenants whose default policies mcp-policy-proxy has not installed yet. */
  POLICY_BOOTSTRAP_RETRY_MS: int(5_000, { min: 100, max: 600_000 }),
  /** A routing.yaml (seed 004 §5.4) whose tenants are onboarded at start when missing. */
  TENANT_ROUTING_FILE: optional(str()),
};

export type ConfigEnv = EnvOf<typeof configEnvSchema>;
