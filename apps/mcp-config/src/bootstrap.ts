import { loadEnvOrExit } from '#env';
import { runApp } from '#runtime';
import { AppModule } from './app.module.js';
import { configEnvSchema, DEV_API_KEY_PEPPER, DEV_KEK } from './env.js';

export async function main(): Promise<void> {
  const env = loadEnvOrExit(configEnvSchema);
  if (env.NODE_ENV === 'production' && (env.CONFIG_KEK.toString('base64') === DEV_KEK || env.API_KEY_PEPPER === DEV_API_KEY_PEPPER)) {
    process.stderr.write(
      'Invalid environment: CONFIG_KEK and API_KEY_PEPPER must be set (the development defaults are refused in production)\n',
    );
    process.exit(1);
  }
  try {
    await runApp({ app: 'mcp-config', env, module: AppModule, httpPort: env.HTTP_PORT });
  } catch (err) {
    process.stderr.write(`mcp-config failed to start: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exit(1);
  }
}
