import type { DataSource, EntityManager } from 'typeorm';
import { tenantSchemaName, type TenantId } from '#tenancy';

/**
 * The only door to tenant data. Every call names the tenant, and the work runs in a transaction
 * whose search_path is that tenant's schema alone (set with set_config(..., is_local => true),
 * the parameterised form of SET LOCAL), so an unqualified table name cannot reach another
 * tenant's rows and nothing leaks to the next user of the pooled connection.
 */
export class TenantScopedDb {
  constructor(private readonly dataSource: DataSource) {}

  async transaction<T>(tenantId: TenantId, work: (manager: EntityManager) => Promise<T>): Promise<T> {
    return this.dataSource.transaction(async (manager) => {
      await manager.query(`SELECT set_config('search_path', $1, true)`, [`"${tenantSchemaName(tenantId)}"`]);
      return work(manager);
    });
  }
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
