// `npm run audit:verify`: walks the decision-log hash chain in DATABASE_URL and prints the result
// as one JSON line. Exit 0 when intact, 1 when a record is broken (named in the output), 2 when
// the check could not run.
import { createAppDataSource } from '#database';
import { databaseEnv, loadEnvOrExit, runtimeEnv } from '#env';
import { policyDataSourceSpec } from '../database/data-source.js';
import { DecisionLogStore } from './decision-log-store.js';

const env = loadEnvOrExit({ ...runtimeEnv, ...databaseEnv });
const dataSource = createAppDataSource(env, policyDataSourceSpec);
let code = 2;
try {
  await dataSource.initialize();
  const result = await new DecisionLogStore(dataSource).verify();
  process.stdout.write(`${JSON.stringify(result)}\n`);
  if (!result.ok) {
    const b = result.firstBroken;
    process.stderr.write(`decision log broken at seq ${b.seq} (decision ${b.decisionId}): ${b.problem}\n`);
  }
  code = result.ok ? 0 : 1;
} catch (err) {
  process.stderr.write(`audit:verify could not run: ${err instanceof Error ? err.message : String(err)}\n`);
} finally {
  if (dataSource.isInitialized) await dataSource.destroy();
}
process.exit(code);
