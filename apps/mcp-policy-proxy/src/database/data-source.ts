import { type AppDataSourceSpec } from '#database';

/**
 * The mcp-policy-proxy database definition: its schema, entities and migrations. Used by the app
 * (DatabaseModule.forApp) and by `npm run migrate` (scripts/migrate.ts), so both see the same list.
 */
export const policyDataSourceSpec: AppDataSourceSpec = {
  schema: 'policy',
  applicationName: 'mcp-policy-proxy',
  entities: [],
  migrations: [],
};
