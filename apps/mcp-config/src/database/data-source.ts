import { type AppDataSourceSpec } from '#database';
import { ConfigSchema1764190000000 } from './migrations/1764190000000-config-schema.js';

/**
 * The mcp-config database definition: its schema, entities and migrations. Used by the app
 * (DatabaseModule.forApp) and by `npm run migrate` (scripts/migrate.ts), so both see the same list.
 */
export const configDataSourceSpec: AppDataSourceSpec = {
  schema: 'config',
  applicationName: 'mcp-config',
  entities: [],
  migrations: [ConfigSchema1764190000000],
};
