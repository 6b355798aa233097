import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { pendingTenantMigrations, TENANT_MIGRATIONS, TENANT_TABLES } from './tenant-migrations.js';

describe('tenant migrations', () => {
  it('are numbered 1..n without gaps and applied in order', () => {
    assert.deepEqual(
      TENANT_MIGRATIONS.map((m) => m.version),
      TENANT_MIGRATIONS.map((_, i) => i + 1),
    );
    assert.deepEqual(pendingTenantMigrations([]), TENANT_MIGRATIONS);
    assert.deepEqual(
      pendingTenantMigrations([1]).map((m) => m.version),
      TENANT_MIGRATIONS.slice(1).map((m) => m.version),
    );
    assert.deepEqual(pendingTenantMigrations(TENANT_MIGRATIONS.map((m) => m.version)), []);
  });

  it('never qualify a table with a schema (the tenant search_path decides where they land)', () => {
    for (const statement of TENANT_MIGRATIONS.flatMap((m) => m.statements))
      assert.doesNotMatch(statement, /\b(public|config|tenant_\w+)\./);
  });

  it('create every table the tenant table list names', () => {
    const created = TENANT_MIGRATIONS.flatMap((m) => m.statements).flatMap((s) => [...s.matchAll(/CREATE TABLE (\w+)/g)].map((x) => x[1]));
    assert.deepEqual([...created, 'schema_migrations'].sort(), [...TENANT_TABLES].sort());
  });
});
