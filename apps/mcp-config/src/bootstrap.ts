import { loadEnvOrExit } from '#env';
import { runApp } from '#runtime';
import { AppModule } from './app.module.js';
import { configEnvSchema } from './env.js';

export async function main(): Promise<void> {
  const env = loadEnvOrExit(configEnvSchema);
  try {
    await runApp({ app: 'mcp-config', env, module: AppModule, httpPort: env.HTTP_PORT });
  } catch (err) {
    process.stderr.write(`mcp-config failed to start: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exit(1);
  }
}
