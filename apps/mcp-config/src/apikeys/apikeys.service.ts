import { randomUUID } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import {
  ConfigApiKeyCreated,
  ConfigApiKeyRevoked,
  DomainError,
  ErrorCode,
  type ApiKeyCreateReply,
  type ApiKeyCreateRequest,
  type ApiKeyRevokeRequest,
  type ApiKeyVerifyReply,
  type ApiKeyView,
  type TenantRecord,
} from '#contracts';
import { APP_ENV } from '#env';
import { parseTenantId } from '#tenancy';
import { ChangeLog } from '../changes/change-log.js';
import type { ConfigEnv } from '../env.js';
import { hashApiKey, issueApiKey, looksLikeApiKey } from './api-key.js';

interface KeyRow {
  id: string;
  tenant_id: string;
  name: string;
  prefix: string;
  roles: string[];
  created_at: Date;
  expires_at: Date | null;
  revoked_at: Date | null;
}

const KEY_COLUMNS = 'id, tenant_id, name, prefix, roles, created_at, expires_at, revoked_at';

@Injectable()
export class ApiKeysService {
  private readonly pepper: Buffer;

  constructor(
    private readonly db: DataSource,
    private readonly changes: ChangeLog,
    @Inject(APP_ENV) env: ConfigEnv,
  ) {
    this.pepper = Buffer.from(env.API_KEY_PEPPER, 'utf8');
  }

  async create(request: ApiKeyCreateRequest): Promise<ApiKeyCreateReply> {
    const tenantId = parseTenantId(request.tenantId);
    const expiresAt = request.expiresAt ? new Date(request.expiresAt) : null;
    if (expiresAt && expiresAt.getTime() <= Date.now()) {
      throw new DomainError(ErrorCode.VALIDATION_FAILED, 'expiresAt is in the past', {
        violations: [{ path: 'expiresAt', message: 'must be in the future' }],
      });
    }
    const issued = issueApiKey(this.pepper);
    const roles = [...new Set(request.roles)];
    const row = await this.db.transaction(async (manager) => {
      const tenant = (await manager.query(`SELECT status FROM config.tenants WHERE id = $1 FOR SHARE`, [tenantId])) as Array<{
        status: string;
      }>;
      if (!tenant[0] || tenant[0].status === 'deleted')
        throw new DomainError(ErrorCode.TENANT_UNKNOWN, `Tenant ${tenantId} does not exist`, { tenantId });
      const inserted = (await manager.query(
        `INSERT INTO config.api_keys (id, tenant_id, name, prefix, key_hash, roles, created_by, expires_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING ${KEY_COLUMNS}`,
        [randomUUID(), tenantId, request.name, issued.prefix, issued.hash, roles, request.actor, expiresAt],
      )) as KeyRow[];
      await this.changes.record(manager, ConfigApiKeyCreated, { keyId: inserted[0]!.id, tenantId, prefix: issued.prefix, roles });
      return inserted[0]!;
    });
    await this.changes.flush();
    return { ...view(row), key: issued.key };
  }

  async list(rawTenantId: string): Promise<ApiKeyView[]> {
    const tenantId = parseTenantId(rawTenantId);
    const rows = (await this.db.query(`SELECT ${KEY_COLUMNS} FROM config.api_keys WHERE tenant_id = $1 ORDER BY created_at DESC`, [
      tenantId,
    ])) as KeyRow[];
    return rows.map(view);
  }

  async revoke(request: ApiKeyRevokeRequest): Promise<ApiKeyView> {
    const tenantId = parseTenantId(request.tenantId);
    const row = await this.db.transaction(async (manager) => {
      const rows = (await manager.query(`SELECT ${KEY_COLUMNS} FROM config.api_keys WHERE id = $1 AND tenant_id = $2 FOR UPDATE`, [
        request.keyId,
        tenantId,
      ])) as KeyRow[];
      const key = rows[0];
      if (!key) throw new DomainError(ErrorCode.NOT_FOUND, 'No such API key for this tenant', { keyId: request.keyId, tenantId });
      if (key.revoked_at) return key;
      const [updated] = (await manager.query(`UPDATE config.api_keys SET revoked_at = now() WHERE id = $1 RETURNING ${KEY_COLUMNS}`, [
        key.id,
      ])) as [KeyRow[]];
      await this.changes.record(manager, ConfigApiKeyRevoked, { keyId: key.id, tenantId, prefix: key.prefix });
      return updated[0]!;
    });
    await this.changes.flush();
    return view(row);
  }

  async verify(key: string): Promise<ApiKeyVerifyReply> {
    // One error for every way a key can be bad, so probing reveals nothing.
    const refused = new DomainError(ErrorCode.UNAUTHENTICATED, 'Invalid API key');
    if (!looksLikeApiKey(key)) throw refused;
    const rows = (await this.db.query(
      `SELECT k.id, k.tenant_id, k.roles, k.expires_at, k.revoked_at, t.status, t.tier
         FROM config.api_keys k JOIN config.tenants t ON t.id = k.tenant_id
        WHERE k.key_hash = $1`,
      [hashApiKey(this.pepper, key)],
    )) as Array<{
      id: string;
      tenant_id: string;
      roles: string[];
      expires_at: Date | null;
      revoked_at: Date | null;
      status: TenantRecord['status'];
      tier: TenantRecord['tier'];
    }>;
    const row = rows[0];
    if (!row || row.revoked_at || (row.expires_at && row.expires_at.getTime() <= Date.now()) || row.status === 'deleted') throw refused;
    if (row.status === 'suspended')
      throw new DomainError(ErrorCode.TENANT_SUSPENDED, `Tenant ${row.tenant_id} is suspended`, { tenantId: row.tenant_id });
    return {
      keyId: row.id,
      tenantId: row.tenant_id,
      roles: row.roles,
      tenantStatus: row.status,
      tenantTier: row.tier,
      expiresAt: row.expires_at?.toISOString() ?? null,
    };
  }
}

function view(row: KeyRow): ApiKeyView {
  return {
    keyId: row.id,
    tenantId: row.tenant_id,
    name: row.name,
    prefix: row.prefix,
    roles: row.roles,
    createdAt: row.created_at.toISOString(),
    expiresAt: row.expires_at?.toISOString() ?? null,
    revokedAt: row.revoked_at?.toISOString() ?? null,
  };
}
