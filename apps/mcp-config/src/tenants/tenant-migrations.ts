/**
 * Tables inside each tenant's schema (`tenant_<id>`, seed 004 §5.3). They are applied in
 * order with the tenant's schema as the only search_path entry, so unqualified names land
 * in that schema; each applied step is recorded in the schema's own `schema_migrations`,
 * so onboarding is re-runnable and later steps roll out to existing tenants the same way.
 */
export interface TenantMigration {
  version: number;
  name: string;
  statements: string[];
}

export const TENANT_MIGRATIONS: readonly TenantMigration[] = [
  {
    version: 1,
    name: 'contexts',
    statements: [
      `CREATE TABLE contexts (
        id uuid PRIMARY KEY,
        user_id text NOT NULL,
        data jsonb NOT NULL DEFAULT '{}'::jsonb,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now()
      )`,
      `CREATE INDEX contexts_user ON contexts (user_id)`,
      `CREATE TABLE context_events (
        id bigserial PRIMARY KEY,
        context_id uuid NOT NULL REFERENCES contexts (id) ON DELETE CASCADE,
        user_id text NOT NULL,
        operation text NOT NULL,
        changes jsonb NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now()
      )`,
    ],
  },
  {
    version: 2,
    name: 'settings',
    statements: [
      `CREATE TABLE settings (
        key text PRIMARY KEY,
        value jsonb NOT NULL,
        updated_at timestamptz NOT NULL DEFAULT now()
      )`,
    ],
  },
];

export const TENANT_MIGRATIONS_TABLE = `CREATE TABLE IF NOT EXISTS schema_migrations (
  version integer PRIMARY KEY,
  name text NOT NULL,
  applied_at timestamptz NOT NULL DEFAULT now()
)`;

/** Tables a fully migrated tenant schema holds (checked by onboarding tests and export). */
export const TENANT_TABLES = ['schema_migrations', 'contexts', 'context_events', 'settings'] as const;

/** Steps not yet applied, given the versions a schema already records. */
export function pendingTenantMigrations(applied: Iterable<number>): TenantMigration[] {
  const done = new Set(applied);
  return TENANT_MIGRATIONS.filter((m) => !done.has(m.version));
}
