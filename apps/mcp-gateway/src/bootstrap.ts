import { loadEnvOrExit } from '#env';
import { runApp } from '#runtime';
import { AppModule } from './app.module.js';
import { gatewayEnvSchema } from './env.js';

export async function main(): Promise<void> {
  const env = loadEnvOrExit(gatewayEnvSchema);
  try {
    await runApp({ app: 'mcp-gateway', env, module: AppModule, httpPort: env.HTTP_PORT });
  } catch (err) {
    process.stderr.write(`mcp-gateway failed to start: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exit(1);
  }
}
