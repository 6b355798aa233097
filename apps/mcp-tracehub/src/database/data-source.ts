import { type AppDataSourceSpec } from '#database';
import { Spans1764190000000 } from './migrations/1764190000000-spans.js';

/**
 * The mcp-tracehub database definition: its schema, entities and migrations. Used by the app
 * (DatabaseModule.forApp) and by `npm run migrate` (scripts/migrate.ts), so both see the same list.
 * Day partitions are not migrations: PartitionMaintainer creates them ahead and drops expired ones.
 */
export const tracehubDataSourceSpec: AppDataSourceSpec = {
  schema: 'tracehub',
  applicationName: 'mcp-tracehub',
  entities: [],
  migrations: [Spans1764190000000],
};
