import { loadEnvOrExit } from '#env';
import { runApp } from '#runtime';
import { AppModule } from './app.module.js';
import { orchestratorApiEnvSchema } from './env.js';

export async function main(): Promise<void> {
  const env = loadEnvOrExit(orchestratorApiEnvSchema);
  try {
    await runApp({ app: 'mcp-orchestrator-api', env, module: AppModule, httpPort: env.HTTP_PORT });
  } catch (err) {
    process.stderr.write(`mcp-orchestrator-api failed to start: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exit(1);
  }
}
