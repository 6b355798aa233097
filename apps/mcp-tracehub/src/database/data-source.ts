import { type AppDataSourceSpec } from '#database';

/**
 * The mcp-tracehub database definition: its schema, entities and migrations. Used by the app
 * (DatabaseModule.forApp) and by `npm run migrate` (scripts/migrate.ts), so both see the same list.
 */
export const tracehubDataSourceSpec: AppDataSourceSpec = {
  schema: 'tracehub',
  applicationName: 'mcp-tracehub',
  entities: [],
  migrations: [],
};
