import { DataSource, type DataSourceOptions, type MigrationInterface, type EntitySchema } from 'typeorm';
import type { DatabaseEnv } from '#env';

type Constructor = new (...args: never[]) => unknown;

export interface AppDataSourceSpec {
  /** The app's own schema (`config`, `policy`, ...); its migrations table lives there too. */
  schema: string;
  entities: (Constructor | EntitySchema)[];
  migrations: (new () => MigrationInterface)[];
  applicationName: string;
}

/**
 * The single DataSource definition of an app, used by Nest at run time and by `npm run migrate`.
 * `synchronize` is off for good: the schema only ever changes through migrations.
 */
export function createAppDataSource(env: DatabaseEnv, spec: AppDataSourceSpec): DataSource {
  const options: DataSourceOptions = {
    type: 'postgres',
    url: env.DATABASE_URL,
    schema: spec.schema,
    entities: spec.entities,
    migrations: spec.migrations,
    migrationsTableName: 'migrations',
    migrationsTransactionMode: 'each',
    synchronize: false,
    logging: false,
    applicationName: spec.applicationName,
    extra: { max: env.DATABASE_POOL_SIZE, connectionTimeoutMillis: 3_000 },
  };
  return new DataSource(options);
}

/** Creates the app schema (migrations need it for their bookkeeping table), then applies pending migrations. */
export async function migrate(dataSource: DataSource, schema: string): Promise<string[]> {
  await dataSource.query(`CREATE SCHEMA IF NOT EXISTS "${assertIdentifier(schema)}"`);
  const applied = await dataSource.runMigrations({ transaction: 'each' });
  return applied.map((m) => m.name);
}

const IDENTIFIER = /^[a-z_][a-z0-9_]{0,62}$/;
/** Guards the few places an identifier must be spliced into SQL (DDL cannot take parameters). */
export function assertIdentifier(name: string): string {
  if (!IDENTIFIER.test(name)) throw new Error(`unsafe SQL identifier: ${JSON.stringify(name)}`);
  return name;
}
