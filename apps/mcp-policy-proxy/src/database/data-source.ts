import { type AppDataSourceSpec } from '#database';
import { PolicySchema1764100000000 } from '../store/migrations/1764100000000-policy-schema.js';

/**
 * The mcp-policy-proxy database definition: its schema, entities and migrations. Used by the app
 * (DatabaseModule.forApp) and by `npm run migrate` (scripts/migrate.ts), so both see the same list.
 */
export const policyDataSourceSpec: AppDataSourceSpec = {
  schema: 'policy',
  applicationName: 'mcp-policy-proxy',
  entities: [],
  migrations: [PolicySchema1764100000000],
};
