import { natsEnv, redisEnv, runtimeEnv, port, type EnvOf } from '#env';

/** Every variable mcp-gateway reads, with its default for a local machine (docs/CONFIGURATION.md). */
export const gatewayEnvSchema = {
  ...runtimeEnv,
  ...natsEnv,
  ...redisEnv,
  HTTP_PORT: port(8080),
};

export type GatewayEnv = EnvOf<typeof gatewayEnvSchema>;
