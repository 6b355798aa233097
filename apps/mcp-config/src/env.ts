import { databaseEnv, natsEnv, runtimeEnv, port, type EnvOf } from '#env';

/** Every variable mcp-config reads, with its default for a local machine (docs/CONFIGURATION.md). */
export const configEnvSchema = {
  ...runtimeEnv,
  ...natsEnv,
  ...databaseEnv,
  HTTP_PORT: port(8083),
};

export type ConfigEnv = EnvOf<typeof configEnvSchema>;
