import { databaseEnv, natsEnv, runtimeEnv, port, type EnvOf } from '#env';

/** Every variable mcp-orchestrator-api reads, with its default for a local machine (docs/CONFIGURATION.md). */
export const orchestratorApiEnvSchema = {
  ...runtimeEnv,
  ...natsEnv,
  ...databaseEnv,
  HTTP_PORT: port(8081),
};

export type OrchestratorApiEnv = EnvOf<typeof orchestratorApiEnvSchema>;
