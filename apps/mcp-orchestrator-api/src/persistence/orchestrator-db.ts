import { Inject, Injectable, type OnModuleInit } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import { TenantScopedDb } from '#database';
import { tenantSchemaName, type TenantId } from '#tenancy';
import { SCHEMA_MIGRATIONS } from './tenant-migrations.js';

/** Rows in, rows out: the one query shape the orchestrator's repositories use. */
export interface Sql {
  query<T = Record<string, unknown>>(text: string, params?: unknown[]): Promise<T[]>;
}

export type RegistryScopeRef = { scope: 'global' } | { scope: 'tenant'; tenantId: TenantId };

/** The app schema; it also holds the global tool registry (same tables as a tenant's private one). */
export const GLOBAL_SCHEMA = 'orchestrator';

function sqlOf(manager: EntityManager): Sql {
  return {
    query: async <T>(text: string, params: unknown[] = []) => {
      const result = await manager.queryRunner!.query(text, params, true);
      return result.records as T[];
    },
  };
}

/**
 * Access to the orchestrator's data. Tenant work goes through #database's TenantScopedDb
 * (search_path = the tenant's schema only, inside a transaction) after the tenant's tables have
 * been created; global registry work runs with search_path = the app schema. Tenant tables are
 * created on first use (or on the tenant-onboarded event) by idempotent, versioned DDL under an
 * advisory lock, so replicas racing on a new tenant do not collide.
 */
@Injectable()
export class OrchestratorDb implements OnModuleInit {
  private readonly ready = new Map<string, Promise<void>>();

  constructor(
    @Inject(DataSource) private readonly dataSource: DataSource,
    @Inject(TenantScopedDb) private readonly tenants: TenantScopedDb,
  ) {}

  async onModuleInit(): Promise<void> {
    await this.ensureSchema(GLOBAL_SCHEMA, 'global');
    await this.dataSource.query(
      `CREATE TABLE IF NOT EXISTS "${GLOBAL_SCHEMA}".orch_tenants (tenant_id text PRIMARY KEY, schema_name text NOT NULL, created_at timestamptz NOT NULL DEFAULT now())`,
    );
  }

  /** Creates (idempotently) the tenant's schema and the orchestrator's tables in it. */
  ensureTenant(tenantId: TenantId): Promise<void> {
    let p = this.ready.get(tenantId);
    if (!p) {
      p = (async () => {
        const schema = tenantSchemaName(tenantId);
        await this.ensureSchema(schema, 'tenant');
        await this.dataSource.query(
          `INSERT INTO "${GLOBAL_SCHEMA}".orch_tenants (tenant_id, schema_name) VALUES ($1, $2) ON CONFLICT (tenant_id) DO NOTHING`,
          [tenantId, schema],
        );
      })();
      p.catch(() => this.ready.delete(tenantId));
      this.ready.set(tenantId, p);
    }
    return p;
  }

  async tenant<T>(tenantId: TenantId, work: (sql: Sql) => Promise<T>): Promise<T> {
    await this.ensureTenant(tenantId);
    return this.tenants.transaction(tenantId, (manager) => work(sqlOf(manager)));
  }

  async global<T>(work: (sql: Sql) => Promise<T>): Promise<T> {
    return this.dataSource.transaction(async (manager) => {
      await manager.query(`SELECT set_config('search_path', $1, true)`, [`"${GLOBAL_SCHEMA}"`]);
      return work(sqlOf(manager));
    });
  }

  registry<T>(ref: RegistryScopeRef, work: (sql: Sql) => Promise<T>): Promise<T> {
    return ref.scope === 'global' ? this.global(work) : this.tenant(ref.tenantId, work);
  }

  /** Tenants whose orchestrator tables exist (for background sweeps over every tenant). */
  async knownTenants(): Promise<TenantId[]> {
    const rows = (await this.dataSource.query(`SELECT tenant_id FROM "${GLOBAL_SCHEMA}".orch_tenants ORDER BY tenant_id`)) as {
      tenant_id: string;
    }[];
    return rows.map((r) => r.tenant_id as TenantId);
  }

  private async ensureSchema(schema: string, scope: 'global' | 'tenant'): Promise<void> {
    await this.dataSource.transaction(async (manager) => {
      // Schema names come from tenantSchemaName (validated) or the constant above; DDL cannot take parameters.
      await manager.query(`SELECT pg_advisory_xact_lock(hashtext($1))`, [`orchestrator-schema:${schema}`]);
      await manager.query(`CREATE SCHEMA IF NOT EXISTS "${schema}"`);
      await manager.query(`SELECT set_config('search_path', $1, true)`, [`"${schema}"`]);
      await manager.query(
        `CREATE TABLE IF NOT EXISTS orch_schema_version (version integer PRIMARY KEY, name text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())`,
      );
      const applied = new Set(
        ((await manager.query(`SELECT version FROM orch_schema_version`)) as { version: number }[]).map((r) => r.version),
      );
      for (const m of SCHEMA_MIGRATIONS) {
        if (applied.has(m.version) || !m.scopes.includes(scope)) continue;
        await manager.query(m.sql);
        await manager.query(`INSERT INTO orch_schema_version (version, name) VALUES ($1, $2)`, [m.version, m.name]);
      }
    });
  }
}
