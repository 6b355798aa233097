import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import {
  ConfigEntryChanged,
  ConfigSchemaChanged,
  DEFAULT_ENVIRONMENT,
  DomainError,
  ErrorCode,
  type EntryGetReply,
  type EntryGetRequest,
  type EntryHistoryReply,
  type EntryHistoryRequest,
  type EntryRollbackRequest,
  type EntrySetRequest,
  type EntryView,
  type JsonValue,
  type SchemaSetReply,
  type SchemaSetRequest,
} from '#contracts';
import { parseTenantId } from '#tenancy';
import { ChangeLog } from '../changes/change-log.js';
import { invalidSecretRefs, redactSecretRefs } from '../secrets/secret-ref.js';
import { SecretsService } from '../secrets/secrets.service.js';
import { jsonDiff, type DiffOp } from './json-diff.js';
import { JsonSchemaValidator } from './json-schema.js';

interface EntryRow {
  id: string;
  key: string;
  environment: string;
  tenant_id: string;
  value: JsonValue;
  version: number;
  updated_at: Date;
  updated_by: string;
}

type Scope = { key: string; environment: string; tenantId: string };

const ENTRY_COLUMNS = 'id, key, environment, tenant_id, value, version, updated_at, updated_by';

/**
 * Versioned config entries. Every write is a new row in config_entry_versions and a new
 * config revision; reads never return secret references (redacted).
 */
@Injectable()
export class EntriesService {
  private readonly schemas = new JsonSchemaValidator();

  constructor(
    private readonly db: DataSource,
    private readonly changes: ChangeLog,
    private readonly secrets: SecretsService,
  ) {}

  async get(request: EntryGetRequest): Promise<EntryGetReply> {
    const { row, resolvedFrom } = await this.find(request);
    return { ...view(row), resolvedFrom };
  }

  /**
   * For the app that consumes the entry (config.entry.resolve, never exposed by the gateway):
   * `config://` references are replaced by their decrypted values; vault://, env:// and k8s://
   * stay references, because only the consuming app can reach those stores.
   */
  async resolve(request: EntryGetRequest): Promise<EntryGetReply> {
    const { row, resolvedFrom } = await this.find(request);
    return { ...view(row), value: await this.secrets.substitute(row.value, row.tenant_id), resolvedFrom };
  }

  private async find(request: EntryGetRequest): Promise<{ row: EntryRow; resolvedFrom: EntryGetReply['resolvedFrom'] }> {
    const tenantId = request.tenantId === undefined ? '' : parseTenantId(request.tenantId);
    const candidates: Array<[string, string, EntryGetReply['resolvedFrom']]> = request.exact
      ? [[request.environment, tenantId, tenantId ? 'tenant' : request.environment === DEFAULT_ENVIRONMENT ? 'default' : 'environment']]
      : [
          ...(tenantId ? [[request.environment, tenantId, 'tenant'] as [string, string, 'tenant']] : []),
          ...(request.environment !== DEFAULT_ENVIRONMENT
            ? [[request.environment, '', 'environment'] as [string, string, 'environment']]
            : []),
          [DEFAULT_ENVIRONMENT, '', 'default'] as [string, string, 'default'],
        ];
    const rows = (await this.db.query(
      `SELECT ${ENTRY_COLUMNS} FROM config.config_entries
        WHERE key = $1 AND (environment, tenant_id) IN (SELECT * FROM unnest($2::text[], $3::text[]))`,
      [request.key, candidates.map((c) => c[0]), candidates.map((c) => c[1])],
    )) as EntryRow[];
    for (const [environment, tenant, resolvedFrom] of candidates) {
      const row = rows.find((r) => r.environment === environment && r.tenant_id === tenant);
      if (!row) continue;
      if (request.version !== undefined && request.version !== row.version) {
        const old = (await this.db.query(
          `SELECT value, actor, created_at FROM config.config_entry_versions WHERE entry_id = $1 AND version = $2`,
          [row.id, request.version],
        )) as Array<{ value: JsonValue; actor: string; created_at: Date }>;
        if (!old[0])
          throw new DomainError(ErrorCode.NOT_FOUND, `Entry ${request.key} has no version ${request.version}`, {
            key: request.key,
            version: request.version,
          });
        return {
          row: { ...row, value: old[0].value, version: request.version, updated_at: old[0].created_at, updated_by: old[0].actor },
          resolvedFrom,
        };
      }
      return { row, resolvedFrom };
    }
    throw new DomainError(ErrorCode.NOT_FOUND, `No entry ${request.key} for this scope`, {
      key: request.key,
      environment: request.environment,
    });
  }

  async set(request: EntrySetRequest): Promise<EntryView> {
    const scope = await this.scopeOf(request);
    return this.write(scope, request.expectedVersion, request.actor, request.reason ?? null, 'set', () => Promise.resolve(request.value));
  }

  async rollback(request: EntryRollbackRequest): Promise<EntryView> {
    const scope = await this.scopeOf(request);
    return this.write(
      scope,
      request.expectedVersion,
      request.actor,
      request.reason ?? `rollback to version ${request.toVersion}`,
      'rollback',
      async (manager, entryId) => {
        const rows = (await manager.query(`SELECT value FROM config.config_entry_versions WHERE entry_id = $1 AND version = $2`, [
          entryId,
          request.toVersion,
        ])) as Array<{ value: JsonValue }>;
        if (!rows[0])
          throw new DomainError(ErrorCode.NOT_FOUND, `Entry ${request.key} has no version ${request.toVersion}`, {
            key: request.key,
            version: request.toVersion,
          });
        return rows[0].value;
      },
    );
  }

  async history(request: EntryHistoryRequest): Promise<EntryHistoryReply> {
    const scope = await this.scopeOf(request, false);
    const entry = (await this.db.query(`SELECT id FROM config.config_entries WHERE key = $1 AND environment = $2 AND tenant_id = $3`, [
      scope.key,
      scope.environment,
      scope.tenantId,
    ])) as Array<{ id: string }>;
    if (!entry[0])
      throw new DomainError(ErrorCode.NOT_FOUND, `No entry ${request.key} for this scope`, {
        key: request.key,
        environment: request.environment,
      });
    const versions = (await this.db.query(
      `SELECT version, value, diff, operation, actor, reason, created_at FROM config.config_entry_versions
        WHERE entry_id = $1 AND ($2::int IS NULL OR version < $2) ORDER BY version DESC LIMIT $3`,
      [entry[0].id, request.beforeVersion ?? null, request.limit ?? 50],
    )) as Array<{
      version: number;
      value: JsonValue;
      diff: DiffOp[];
      operation: 'set' | 'rollback';
      actor: string;
      reason: string | null;
      created_at: Date;
    }>;
    return {
      key: scope.key,
      environment: scope.environment,
      tenantId: scope.tenantId || null,
      versions: versions.map((v) => ({
        version: v.version,
        value: redactSecretRefs(v.value),
        diff: v.diff,
        operation: v.operation,
        actor: v.actor,
        reason: v.reason,
        createdAt: v.created_at.toISOString(),
      })),
    };
  }

  async setSchema(request: SchemaSetRequest): Promise<SchemaSetReply> {
    const problems = this.schemas.schemaProblems(request.schema);
    if (problems.length) {
      throw new DomainError(ErrorCode.VALIDATION_FAILED, 'The JSON Schema does not compile', {
        violations: problems.map((message) => ({ path: '/schema', message })),
      });
    }
    await this.db.transaction(async (manager) => {
      const stored = (await manager.query(`SELECT environment, tenant_id, value FROM config.config_entries WHERE key = $1 FOR UPDATE`, [
        request.key,
      ])) as EntryRow[];
      const violations = stored.flatMap((row) =>
        this.schemas
          .validate(request.schema, row.value)
          .map((v) => ({ ...v, environment: row.environment, tenantId: row.tenant_id || null })),
      );
      if (violations.length) {
        throw new DomainError(ErrorCode.VALIDATION_FAILED, `Stored values of ${request.key} violate this schema`, { violations });
      }
      await manager.query(
        `INSERT INTO config.config_schemas (key, schema, updated_by) VALUES ($1, $2, $3)
         ON CONFLICT (key) DO UPDATE SET schema = EXCLUDED.schema, updated_by = EXCLUDED.updated_by, updated_at = now()`,
        [request.key, JSON.stringify(request.schema), request.actor],
      );
      await this.changes.record(manager, ConfigSchemaChanged, { key: request.key, actor: request.actor });
    });
    await this.changes.flush();
    return { key: request.key };
  }

  private async scopeOf(request: { key: string; environment: string; tenantId?: string }, mustExist = true): Promise<Scope> {
    if (request.tenantId === undefined) return { key: request.key, environment: request.environment, tenantId: '' };
    const tenantId = parseTenantId(request.tenantId);
    if (mustExist) {
      const rows = (await this.db.query(`SELECT status FROM config.tenants WHERE id = $1`, [tenantId])) as Array<{ status: string }>;
      if (!rows[0] || rows[0].status === 'deleted')
        throw new DomainError(ErrorCode.TENANT_UNKNOWN, `Tenant ${tenantId} does not exist`, { tenantId });
    }
    return { key: request.key, environment: request.environment, tenantId };
  }

  private async validateValue(manager: EntityManager, key: string, value: JsonValue): Promise<void> {
    const refProblems = invalidSecretRefs(value);
    if (refProblems.length) {
      throw new DomainError(ErrorCode.VALIDATION_FAILED, 'Malformed secret reference', { violations: refProblems });
    }
    const rows = (await manager.query(`SELECT schema FROM config.config_schemas WHERE key = $1`, [key])) as Array<{ schema: JsonValue }>;
    if (!rows[0]) return;
    const violations = this.schemas.validate(rows[0].schema, value);
    if (violations.length) {
      const paths = violations.map((v) => v.path || '(root)').join(', ');
      throw new DomainError(ErrorCode.VALIDATION_FAILED, `Value does not match the schema of ${key}: ${paths}`, { violations });
    }
  }

  private async write(
    scope: Scope,
    expectedVersion: number,
    actor: string,
    reason: string | null,
    operation: 'set' | 'rollback',
    valueFor: (manager: EntityManager, entryId: string) => Promise<JsonValue>,
  ): Promise<EntryView> {
    const result = await this.db.transaction(async (manager) => {
      // Lock the row (or its absence, through the unique index on insert) so two writers
      // naming the same expectedVersion cannot both win.
      const current = (await manager.query(
        `SELECT ${ENTRY_COLUMNS} FROM config.config_entries WHERE key = $1 AND environment = $2 AND tenant_id = $3 FOR UPDATE`,
        [scope.key, scope.environment, scope.tenantId],
      )) as EntryRow[];
      const existing = current[0];
      const currentVersion = existing?.version ?? 0;
      if (expectedVersion !== currentVersion) {
        throw new DomainError(ErrorCode.VERSION_CONFLICT, `Entry ${scope.key} is at version ${currentVersion}, not ${expectedVersion}`, {
          key: scope.key,
          currentVersion,
          expectedVersion,
        });
      }
      if (!existing && operation === 'rollback')
        throw new DomainError(ErrorCode.NOT_FOUND, `No entry ${scope.key} for this scope`, { key: scope.key });
      const value = await valueFor(manager, existing?.id ?? '');
      await this.validateValue(manager, scope.key, value);
      let row: EntryRow;
      if (existing) {
        const [updated] = (await manager.query(
          `UPDATE config.config_entries SET value = $2, version = version + 1, updated_at = now(), updated_by = $3 WHERE id = $1 RETURNING ${ENTRY_COLUMNS}`,
          [existing.id, JSON.stringify(value), actor],
        )) as [EntryRow[]];
        row = updated[0]!;
      } else {
        const inserted = (await manager.query(
          `INSERT INTO config.config_entries (key, environment, tenant_id, value, version, updated_by) VALUES ($1, $2, $3, $4, 1, $5)
           ON CONFLICT (key, environment, tenant_id) DO NOTHING RETURNING ${ENTRY_COLUMNS}`,
          [scope.key, scope.environment, scope.tenantId, JSON.stringify(value), actor],
        )) as EntryRow[];
        if (!inserted[0]) {
          throw new DomainError(ErrorCode.VERSION_CONFLICT, `Entry ${scope.key} was created concurrently`, {
            key: scope.key,
            currentVersion: 1,
            expectedVersion,
          });
        }
        row = inserted[0];
      }
      const diff = jsonDiff(existing ? redactSecretRefs(existing.value) : undefined, redactSecretRefs(value));
      const revision = await this.changes.record(manager, ConfigEntryChanged, {
        key: scope.key,
        environment: scope.environment,
        tenantId: scope.tenantId || null,
        version: row.version,
        operation,
        actor,
      });
      await manager.query(
        `INSERT INTO config.config_entry_versions (entry_id, version, value, diff, operation, actor, reason, revision) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`,
        [row.id, row.version, JSON.stringify(value), JSON.stringify(diff), operation, actor, reason, revision],
      );
      return row;
    });
    await this.changes.flush();
    return view(result);
  }
}

function view(row: EntryRow): EntryView {
  return {
    key: row.key,
    environment: row.environment,
    tenantId: row.tenant_id || null,
    value: redactSecretRefs(row.value),
    version: row.version,
    updatedAt: new Date(row.updated_at).toISOString(),
    updatedBy: row.updated_by,
  };
}
