import { loadEnvOrExit } from '#env';
import { runApp } from '#runtime';
import { AppModule } from './app.module.js';
import { tracehubEnvSchema } from './env.js';

export async function main(): Promise<void> {
  const env = loadEnvOrExit(tracehubEnvSchema);
  try {
    await runApp({ app: 'mcp-tracehub', env, module: AppModule, httpPort: env.HTTP_PORT });
  } catch (err) {
    process.stderr.write(`mcp-tracehub failed to start: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exit(1);
  }
}
