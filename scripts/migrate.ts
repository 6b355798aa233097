// `npm run migrate`: applies every app's pending migrations to DATABASE_URL, in dependency order.
// Production runs this as a Job before the apps start (deploy/); development apps also migrate at boot.
import { createAppDataSource, migrate, type AppDataSourceSpec } from '#database';
import { databaseEnv, loadEnvOrExit, runtimeEnv } from '#env';
import { configDataSourceSpec } from '../apps/mcp-config/src/database/data-source.js';
import { orchestratorDataSourceSpec } from '../apps/mcp-orchestrator-api/src/database/data-source.js';
import { policyDataSourceSpec } from '../apps/mcp-policy-proxy/src/database/data-source.js';
import { tracehubDataSourceSpec } from '../apps/mcp-tracehub/src/database/data-source.js';

const env = loadEnvOrExit({ ...runtimeEnv, ...databaseEnv });
const specs: AppDataSourceSpec[] = [configDataSourceSpec, policyDataSourceSpec, orchestratorDataSourceSpec, tracehubDataSourceSpec];

let failed = false;
for (const spec of specs) {
  const dataSource = createAppDataSource(env, spec);
  try {
    await dataSource.initialize();
    const applied = await migrate(dataSource, spec.schema);
    console.log(`${spec.applicationName}: ${applied.length ? `applied ${applied.join(', ')}` : 'up to date'}`);
  } catch (err) {
    failed = true;
    console.error(`${spec.applicationName}: migration failed: ${err instanceof Error ? err.message : String(err)}`);
  } finally {
    if (dataSource.isInitialized) await dataSource.destroy();
  }
}
process.exit(failed ? 1 : 0);
