import type { DataSource, EntityManager } from 'typeorm';
import { tenantSchemaName, type TenantId } from '#tenancy';

/**
 * The only door to tenant data. Every call names the tenant, and the work runs in a transaction
 * whose search_path is that tenant's schema alone (SET LOCAL), so an unqualified table name cannot
 * reach another tenant's rows and nothing leaks to the next user of the pooled connection.
 */
export class TenantScopedDb {
  constructor(private readonly dataSource: DataSource) {}

  async transaction<T>(tenantId: TenantId, work: (manager: EntityManager) => Promise<T>): Promise<T> {
    const schema = tenantSchemaName(tenantId);
    const runner = this.dataSource.createQueryRunner();
    await runner.connect();
    let broken: Error | undefined;
    try {
      // Opening and scoping the transaction is one round trip (a round trip is most of the cost of a
      // short read). Parameters cannot go into a multi-statement query; the name is inlined because
      // tenantSchemaName only ever returns `tenant_` plus [a-z0-9_].
      await runner.query(`BEGIN; SET LOCAL search_path TO "${schema}"`);
      try {
        const result = await work(runner.manager);
        await runner.query('COMMIT');
        return result;
      } catch (err) {
        await runner.query('ROLLBACK').catch((rollbackFailed: Error) => (broken = rollbackFailed));
        throw err;
      }
    } finally {
      // A connection whose transaction could not be ended is closed, not handed to the next caller.
      await (broken ? (runner as unknown as PostgresRunner).releasePostgresConnection(broken) : runner.release());
    }
  }
}

interface PostgresRunner {
  releasePostgresConnection(err?: Error): Promise<void>;
}

/**
 * Base for repositories of tenant data: subclasses can only reach the database through
 * `inTenant`, which needs a TenantId, so a tenant-less query does not compile.
 */
export abstract class TenantScopedRepository {
  constructor(private readonly db: TenantScopedDb) {}

  protected inTenant<T>(tenantId: TenantId, work: (manager: EntityManager) => Promise<T>): Promise<T> {
    return this.db.transaction(tenantId, work);
  }
}
