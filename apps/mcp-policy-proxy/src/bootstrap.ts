import { loadEnvOrExit } from '#env';
import { runApp } from '#runtime';
import { AppModule } from './app.module.js';
import { policyProxyEnvSchema } from './env.js';

export async function main(): Promise<void> {
  const env = loadEnvOrExit(policyProxyEnvSchema);
  try {
    await runApp({ app: 'mcp-policy-proxy', env, module: AppModule, httpPort: env.HTTP_PORT });
  } catch (err) {
    process.stderr.write(`mcp-policy-proxy failed to start: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exit(1);
  }
}
