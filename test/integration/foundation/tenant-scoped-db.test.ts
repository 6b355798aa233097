import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { DataSource } from 'typeorm';
import { TenantScopedDb } from '#database';
import { parseTenantId } from '#tenancy';
import { TestPlatform } from '#testing';

/** #database's door to tenant data on the real Postgres: scoping, rollback, and a clean pooled connection after. */
describe('TenantScopedDb on Postgres', () => {
  let platform: TestPlatform;
  let dataSource: DataSource;
  let db: TenantScopedDb;
  const acme = parseTenantId('acme');
  const globex = parseTenantId('globex');

  before(async () => {
    platform = await TestPlatform.create();
    for (const schema of ['tenant_acme', 'tenant_globex']) {
      await platform.database.query(`CREATE SCHEMA ${schema}; CREATE TABLE ${schema}.notes (body text NOT NULL)`);
    }
    // One pooled connection: every transaction below reuses the connection the previous one left.
    dataSource = new DataSource({ type: 'postgres', url: platform.database.url, extra: { max: 1 } });
    await dataSource.initialize();
    db = new TenantScopedDb(dataSource);
  });

  after(async () => {
    await dataSource?.destroy();
    await platform?.stop();
  });

  it("unqualified names reach only the named tenant's tables", async () => {
    await db.transaction(acme, (m) => m.query(`INSERT INTO notes VALUES ('acme note')`));
    await db.transaction(globex, (m) => m.query(`INSERT INTO notes VALUES ('globex note')`));
    assert.deepEqual(await db.transaction(acme, (m) => m.query(`SELECT body FROM notes`)), [{ body: 'acme note' }]);
    assert.deepEqual(await db.transaction(globex, (m) => m.query(`SELECT body FROM notes`)), [{ body: 'globex note' }]);
  });

  it('a failed unit of work is rolled back and leaves the pooled connection outside any transaction and tenant', async () => {
    await assert.rejects(
      db.transaction(acme, async (m) => {
        await m.query(`INSERT INTO notes VALUES ('never committed')`);
        await m.query(`SELECT * FROM no_such_table`);
      }),
      /no_such_table/,
    );
    assert.deepEqual(await db.transaction(acme, (m) => m.query(`SELECT body FROM notes`)), [{ body: 'acme note' }]);
    const [state] = (await dataSource.query(
      `SELECT current_setting('search_path') AS path, now() = statement_timestamp() AS autocommit`,
    )) as {
      path: string;
      autocommit: boolean;
    }[];
    assert.doesNotMatch(state!.path, /tenant_/, 'the tenant scope ended with the transaction');
    assert.equal(state!.autocommit, true, 'no transaction left open on the connection');
  });
});
