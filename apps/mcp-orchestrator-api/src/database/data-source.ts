import { type AppDataSourceSpec } from '#database';

/**
 * The mcp-orchestrator-api database definition: its schema, entities and migrations. Used by the app
 * (DatabaseModule.forApp) and by `npm run migrate` (scripts/migrate.ts), so both see the same list.
 */
export const orchestratorDataSourceSpec: AppDataSourceSpec = {
  schema: 'orchestrator',
  applicationName: 'mcp-orchestrator-api',
  entities: [],
  migrations: [],
};
