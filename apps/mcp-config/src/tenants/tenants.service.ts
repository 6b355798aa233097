import { readFile } from 'node:fs/promises';
import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import {
  ConfigApiKeyRevoked,
  ConfigTenantChanged,
  DomainError,
  ErrorCode,
  type JsonValue,
  type TenantChangedData,
  type TenantDeleteReply,
  type TenantDeleteRequest,
  type TenantExportReply,
  type TenantImportReply,
  type TenantLimits,
  type TenantOnboardRequest,
  type TenantRecord,
  type TenantTier,
  type TenantUpdateRequest,
  TenantBootstrap,
} from '#contracts';
import { assertIdentifier } from '#database';
import { APP_ENV } from '#env';
import { RpcClient } from '#messaging';
import { parseTenantId, parseTenantSchema, tenantSchemaName, type TenantId } from '#tenancy';
import { ChangeLog } from '../changes/change-log.js';
import { redactSecretRefs } from '../secrets/secret-ref.js';
import type { ConfigEnv } from '../env.js';
import { parseRoutingYaml, RoutingFileError, type TenantDeclaration } from './routing.js';
import { pendingTenantMigrations, TENANT_MIGRATIONS_TABLE } from './tenant-migrations.js';

interface TenantRow {
  id: string;
  name: string;
  schema_name: string;
  tier: TenantTier;
  status: TenantRecord['status'];
  features: string[];
  limits: TenantLimits;
  policy_bootstrap: 'pending' | 'done';
  version: number;
  exported_at: Date | null;
  created_at: Date;
  updated_at: Date;
}

const DEFAULT_LIMITS: TenantLimits = { requests_per_minute: 600, concurrent_contexts: 20 };

/**
 * The tenant registry: onboarding (registry row + schema + tables, in one transaction;
 * default policies requested afterwards and retried until mcp-policy-proxy answers),
 * suspension, export and deletion. Every change is a config revision and an
 * events.config.tenant.changed event carrying the whole tenant.
 */
@Injectable()
export class TenantsService implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly log = new Logger(TenantsService.name);
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly db: DataSource,
    private readonly changes: ChangeLog,
    private readonly rpc: RpcClient,
    @Inject(APP_ENV) private readonly env: ConfigEnv,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    if (this.env.TENANT_ROUTING_FILE) {
      const result = await this.importYaml(await readFile(this.env.TENANT_ROUTING_FILE, 'utf8'), 'routing-file');
      this.log.log({ msg: 'routing file loaded', created: result.created.map((t) => t.id), existing: result.existing });
    }
    this.timer = setInterval(() => void this.retryPendingBootstraps(), this.env.POLICY_BOOTSTRAP_RETRY_MS);
    this.timer.unref();
  }

  onApplicationShutdown(): void {
    clearInterval(this.timer);
  }

  async get(rawId: string): Promise<TenantRecord> {
    const id = parseTenantId(rawId);
    const rows = (await this.db.query(`SELECT * FROM config.tenants WHERE id = $1`, [id])) as TenantRow[];
    if (!rows[0]) throw new DomainError(ErrorCode.TENANT_UNKNOWN, `Tenant ${id} does not exist`, { tenantId: id });
    return record(rows[0]);
  }

  async list(status?: TenantRecord['status'], manager: EntityManager = this.db.manager): Promise<TenantRecord[]> {
    const rows = (await manager.query(`SELECT * FROM config.tenants WHERE $1::text IS NULL OR status = $1 ORDER BY id`, [
      status ?? null,
    ])) as TenantRow[];
    return rows.map(record);
  }

  async onboard(request: TenantOnboardRequest): Promise<TenantRecord> {
    const declaration: TenantDeclaration = {
      id: request.tenantId,
      name: request.name,
      features: request.features ?? [],
      limits: request.limits ? { ...request.limits } : DEFAULT_LIMITS,
      tier: request.tier ?? 'standard',
    };
    if (request.schema !== undefined) declaration.schema = request.schema;
    const tenant = await this.create(this.checked(declaration), request.actor);
    return this.bootstrapPolicies(tenant);
  }

  async importYaml(yaml: string, actor: string): Promise<TenantImportReply> {
    let declarations: TenantDeclaration[];
    try {
      declarations = parseRoutingYaml(yaml);
    } catch (err) {
      if (err instanceof RoutingFileError)
        throw new DomainError(ErrorCode.VALIDATION_FAILED, err.message, { violations: [{ path: err.path, message: err.message }] });
      throw new DomainError(ErrorCode.VALIDATION_FAILED, 'Not a YAML document', {
        violations: [{ path: '', message: 'unparseable YAML' }],
      });
    }
    // Check the whole file before creating anything, so a bad entry leaves no half import.
    const checked = declarations.map((d) => this.checked(d));
    const existing = new Set(
      (
        (await this.db.query(`SELECT id FROM config.tenants WHERE id = ANY($1::text[])`, [checked.map((c) => c.id)])) as Array<{
          id: string;
        }>
      ).map((r) => r.id),
    );
    const created: TenantRecord[] = [];
    for (const c of checked) {
      if (existing.has(c.id)) continue;
      try {
        created.push(await this.bootstrapPolicies(await this.create(c, actor)));
      } catch (err) {
        // Another replica importing the same file at the same moment created it first.
        if (!(err instanceof DomainError && err.code === ErrorCode.CONFLICT)) throw err;
        existing.add(c.id);
      }
    }
    return { created, existing: [...existing] };
  }

  async update(request: TenantUpdateRequest): Promise<TenantRecord> {
    return this.change(request.tenantId, request.actor, 'updated', async (row) => {
      if (row.version !== request.expectedVersion) {
        throw new DomainError(ErrorCode.VERSION_CONFLICT, `Tenant ${row.id} is at version ${row.version}, not ${request.expectedVersion}`, {
          tenantId: row.id,
          currentVersion: row.version,
          expectedVersion: request.expectedVersion,
        });
      }
      return {
        name: request.name ?? row.name,
        tier: request.tier ?? row.tier,
        features: request.features ? [...new Set(request.features)] : row.features,
        limits: request.limits ? { ...request.limits } : row.limits,
      };
    });
  }

  suspend(tenantId: string, actor: string): Promise<TenantRecord> {
    return this.change(tenantId, actor, 'suspended', async (row) => {
      if (row.status !== 'active')
        throw new DomainError(ErrorCode.CONFLICT, `Tenant ${row.id} is ${row.status}`, { tenantId: row.id, status: row.status });
      return { status: 'suspended' };
    });
  }

  resume(tenantId: string, actor: string): Promise<TenantRecord> {
    return this.change(tenantId, actor, 'resumed', async (row) => {
      if (row.status !== 'suspended')
        throw new DomainError(ErrorCode.CONFLICT, `Tenant ${row.id} is ${row.status}`, { tenantId: row.id, status: row.status });
      return { status: 'active' };
    });
  }

  async export(rawId: string): Promise<TenantExportReply> {
    const id = parseTenantId(rawId);
    return this.db.transaction('REPEATABLE READ', async (manager) => {
      const rows = (await manager.query(`SELECT * FROM config.tenants WHERE id = $1 FOR UPDATE`, [id])) as TenantRow[];
      if (!rows[0]) throw new DomainError(ErrorCode.TENANT_UNKNOWN, `Tenant ${id} does not exist`, { tenantId: id });
      const schema = assertIdentifier(rows[0].schema_name);
      const entries = (await manager.query(
        `SELECT key, environment, value, version, updated_at, updated_by FROM config.config_entries WHERE tenant_id = $1 ORDER BY key, environment`,
        [id],
      )) as Array<{ key: string; environment: string; value: JsonValue; version: number; updated_at: Date; updated_by: string }>;
      const keys = (await manager.query(
        `SELECT id, name, prefix, roles, created_at, revoked_at FROM config.api_keys WHERE tenant_id = $1 ORDER BY created_at`,
        [id],
      )) as Array<{ id: string; name: string; prefix: string; roles: string[]; created_at: Date; revoked_at: Date | null }>;
      const secrets = (await manager.query(`SELECT name FROM config.secrets WHERE tenant_id = $1 ORDER BY name`, [id])) as Array<{
        name: string;
      }>;
      const tables: Record<string, JsonValue[]> = {};
      const names = (await manager.query(
        `SELECT table_name FROM information_schema.tables WHERE table_schema = $1 AND table_type = 'BASE TABLE' ORDER BY table_name`,
        [schema],
      )) as Array<{ table_name: string }>;
      for (const { table_name } of names) {
        tables[table_name] = (await manager.query(`SELECT to_jsonb(t) AS row FROM "${schema}"."${assertIdentifier(table_name)}" t`)).map(
          (r: { row: JsonValue }) => r.row,
        );
      }
      const [marked] = (await manager.query(`UPDATE config.tenants SET exported_at = now() WHERE id = $1 RETURNING *`, [id])) as [
        TenantRow[],
      ];
      return {
        exportedAt: marked[0]!.exported_at!.toISOString(),
        tenant: record(marked[0]!),
        entries: entries.map((e) => ({
          key: e.key,
          environment: e.environment,
          tenantId: id,
          value: redactSecretRefs(e.value),
          version: e.version,
          updatedAt: e.updated_at.toISOString(),
          updatedBy: e.updated_by,
        })),
        apiKeys: keys.map((k) => ({
          keyId: k.id,
          name: k.name,
          prefix: k.prefix,
          roles: k.roles,
          createdAt: k.created_at.toISOString(),
          revokedAt: k.revoked_at?.toISOString() ?? null,
        })),
        secretNames: secrets.map((s) => s.name),
        tables,
      };
    });
  }

  async delete(request: TenantDeleteRequest): Promise<TenantDeleteReply> {
    const id = parseTenantId(request.tenantId);
    if (request.dropSchema && request.confirm !== id) {
      throw new DomainError(ErrorCode.VALIDATION_FAILED, 'Dropping the schema needs confirm set to the tenant id', {
        violations: [{ path: 'confirm', message: 'must equal tenantId' }],
      });
    }
    let schemaDropped = false;
    const tenant = await this.db.transaction(async (manager) => {
      const rows = (await manager.query(`SELECT * FROM config.tenants WHERE id = $1 FOR UPDATE`, [id])) as TenantRow[];
      const row = rows[0];
      if (!row) throw new DomainError(ErrorCode.TENANT_UNKNOWN, `Tenant ${id} does not exist`, { tenantId: id });
      if (request.dropSchema) {
        if (!row.exported_at || row.exported_at < row.updated_at) {
          throw new DomainError(
            ErrorCode.CONFLICT,
            `Export tenant ${id} (config.tenant.export) after its last change before dropping its schema`,
            { tenantId: id },
          );
        }
        await manager.query(`DROP SCHEMA IF EXISTS "${assertIdentifier(row.schema_name)}" CASCADE`);
        schemaDropped = true;
      }
      const [revoked] = (await manager.query(
        `UPDATE config.api_keys SET revoked_at = now() WHERE tenant_id = $1 AND revoked_at IS NULL RETURNING id, prefix`,
        [id],
      )) as [Array<{ id: string; prefix: string }>];
      for (const key of revoked)
        await this.changes.record(manager, ConfigApiKeyRevoked, { keyId: key.id, tenantId: id, prefix: key.prefix });
      if (row.status === 'deleted') return record(row);
      return this.applyChange(manager, row, request.actor, 'deleted', { status: 'deleted' });
    });
    await this.changes.flush();
    return { tenant, schemaDropped };
  }

  /** Tenants whose default policies are not installed yet are retried until the policy service answers. */
  async retryPendingBootstraps(): Promise<void> {
    const pending = (await this.db
      .query(`SELECT * FROM config.tenants WHERE policy_bootstrap = 'pending' AND status <> 'deleted' ORDER BY created_at LIMIT 50`)
      .catch(() => [])) as TenantRow[];
    for (const row of pending) await this.bootstrapPolicies(record(row));
  }

  private checked(declaration: TenantDeclaration): TenantDeclaration & { id: TenantId; schema: string } {
    const id = parseTenantId(declaration.id);
    const derived = tenantSchemaName(id);
    const schema = declaration.schema === undefined ? derived : parseTenantSchema(declaration.schema);
    // Every app derives a tenant's schema from its id (#tenancy), so a different explicit
    // name would create a schema no one else can find.
    if (schema !== derived) {
      throw new DomainError(ErrorCode.VALIDATION_FAILED, `Tenant ${id} must use schema ${derived}`, {
        violations: [{ path: `/tenants/${id}/schema`, message: `must be ${derived}` }],
      });
    }
    return { ...declaration, id, schema };
  }

  private async create(declaration: TenantDeclaration & { id: TenantId; schema: string }, actor: string): Promise<TenantRecord> {
    const tenant = await this.db.transaction(async (manager) => {
      const inserted = (await manager.query(
        `INSERT INTO config.tenants (id, name, schema_name, tier, status, features, limits, policy_bootstrap, version)
         VALUES ($1, $2, $3, $4, 'active', $5, $6, 'pending', 1)
         ON CONFLICT DO NOTHING RETURNING *`,
        [
          declaration.id,
          declaration.name,
          declaration.schema,
          declaration.tier,
          JSON.stringify(declaration.features),
          JSON.stringify(declaration.limits),
        ],
      )) as TenantRow[];
      if (!inserted[0]) {
        throw new DomainError(ErrorCode.CONFLICT, `Tenant ${declaration.id} (or schema ${declaration.schema}) already exists`, {
          tenantId: declaration.id,
        });
      }
      await this.migrateSchema(manager, declaration.schema);
      const tenant = record(inserted[0]);
      await this.changes.record(manager, ConfigTenantChanged, { operation: 'onboarded', tenant });
      return tenant;
    });
    await this.changes.flush();
    this.log.log({ msg: 'tenant onboarded', tenantId: tenant.id, schema: tenant.schema, actor });
    return tenant;
  }

  /** Creates the schema and applies pending tenant migrations inside the caller's transaction. */
  private async migrateSchema(manager: EntityManager, schema: string): Promise<void> {
    await manager.query(`CREATE SCHEMA IF NOT EXISTS "${assertIdentifier(schema)}"`);
    await manager.query(`SELECT set_config('search_path', $1, true)`, [`"${schema}"`]);
    await manager.query(TENANT_MIGRATIONS_TABLE);
    const applied = ((await manager.query(`SELECT version FROM schema_migrations`)) as Array<{ version: number }>).map((r) => r.version);
    for (const migration of pendingTenantMigrations(applied)) {
      for (const statement of migration.statements) await manager.query(statement);
      await manager.query(`INSERT INTO schema_migrations (version, name) VALUES ($1, $2)`, [migration.version, migration.name]);
    }
    await manager.query(`SELECT set_config('search_path', 'public', true)`);
  }

  private async bootstrapPolicies(tenant: TenantRecord): Promise<TenantRecord> {
    try {
      await this.rpc.request(TenantBootstrap, { tenantId: tenant.id, actor: 'mcp-config' }, { timeoutMs: 3_000 });
    } catch (err) {
      const code = err instanceof DomainError ? err.code : ErrorCode.INTERNAL;
      await this.db.query(
        `UPDATE config.tenants SET policy_bootstrap_attempts = policy_bootstrap_attempts + 1, policy_bootstrap_error = $2 WHERE id = $1`,
        [tenant.id, code],
      );
      this.log.warn({ msg: 'default policies not installed yet; will retry', tenantId: tenant.id, code });
      return tenant;
    }
    const updated = await this.change(tenant.id, 'mcp-config', 'policies-installed', async () => ({ policyBootstrap: 'done' }));
    this.log.log({ msg: 'default policies installed', tenantId: tenant.id });
    return updated;
  }

  private async change(
    rawId: string,
    actor: string,
    operation: TenantChangedData['operation'],
    patch: (row: TenantRow) => Promise<Partial<Pick<TenantRecord, 'name' | 'tier' | 'features' | 'limits' | 'status' | 'policyBootstrap'>>>,
  ): Promise<TenantRecord> {
    const id = parseTenantId(rawId);
    const tenant = await this.db.transaction(async (manager) => {
      const rows = (await manager.query(`SELECT * FROM config.tenants WHERE id = $1 FOR UPDATE`, [id])) as TenantRow[];
      if (!rows[0] || (rows[0].status === 'deleted' && operation !== 'policies-installed')) {
        throw new DomainError(ErrorCode.TENANT_UNKNOWN, `Tenant ${id} does not exist`, { tenantId: id });
      }
      return this.applyChange(manager, rows[0], actor, operation, await patch(rows[0]));
    });
    await this.changes.flush();
    return tenant;
  }

  private async applyChange(
    manager: EntityManager,
    row: TenantRow,
    actor: string,
    operation: TenantChangedData['operation'],
    patch: Partial<Pick<TenantRecord, 'name' | 'tier' | 'features' | 'limits' | 'status' | 'policyBootstrap'>>,
  ): Promise<TenantRecord> {
    const next = { ...record(row), ...patch };
    const [updated] = (await manager.query(
      `UPDATE config.tenants SET name = $2, tier = $3, features = $4, limits = $5, status = $6, policy_bootstrap = $7,
         version = version + 1, updated_at = now() WHERE id = $1 RETURNING *`,
      [row.id, next.name, next.tier, JSON.stringify(next.features), JSON.stringify(next.limits), next.status, next.policyBootstrap],
    )) as [TenantRow[]];
    const tenant = record(updated[0]!);
    await this.changes.record(manager, ConfigTenantChanged, { operation, tenant });
    this.log.log({ msg: 'tenant changed', tenantId: tenant.id, operation, actor });
    return tenant;
  }
}

function record(row: TenantRow): TenantRecord {
  return {
    id: row.id,
    name: row.name,
    schema: row.schema_name,
    tier: row.tier,
    status: row.status,
    features: row.features,
    limits: row.limits,
    policyBootstrap: row.policy_bootstrap,
    version: row.version,
    createdAt: new Date(row.created_at).toISOString(),
    updatedAt: new Date(row.updated_at).toISOString(),
  };
}
