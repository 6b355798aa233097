import { databaseEnv, natsEnv, runtimeEnv, port, type EnvOf } from '#env';

/** Every variable mcp-tracehub reads, with its default for a local machine (docs/CONFIGURATION.md). */
export const tracehubEnvSchema = {
  ...runtimeEnv,
  ...natsEnv,
  ...databaseEnv,
  HTTP_PORT: port(8084),
};

export type TracehubEnv = EnvOf<typeof tracehubEnvSchema>;
