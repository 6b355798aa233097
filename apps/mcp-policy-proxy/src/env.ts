import { databaseEnv, natsEnv, runtimeEnv, port, type EnvOf } from '#env';

/** Every variable mcp-policy-proxy reads, with its default for a local machine (docs/CONFIGURATION.md). */
export const policyProxyEnvSchema = {
  ...runtimeEnv,
  ...natsEnv,
  ...databaseEnv,
  HTTP_PORT: port(8082),
};

export type PolicyProxyEnv = EnvOf<typeof policyProxyEnvSchema>;
