import { Inject, Injectable, Logger } from '@nestjs/common';
import { DataSource } from 'typeorm';
import {
  ConfigSecretChanged,
  DomainError,
  ErrorCode,
  type SecretPutReply,
  type SecretPutRequest,
  type SecretResolveRequest,
  type SecretRotateReply,
  type JsonValue,
} from '#contracts';
import { APP_ENV } from '#env';
import { parseTenantId } from '#tenancy';
import { ChangeLog } from '../changes/change-log.js';
import type { ConfigEnv } from '../env.js';
import { isSecretRef, SECRET_KEY } from './secret-ref.js';
import { Keyring, KeyringError, parseKek, type SealedSecret } from './envelope.js';

interface SecretRow {
  tenant_id: string;
  name: string;
  kek_id: string;
  wrapped_dek: string;
  ciphertext: string;
}

/** AAD of a secret: its row identity, so a sealed value moved to another row fails to open. */
const aadOf = (tenantId: string, name: string) => `${tenantId}\u0000${name}`;
const CONFIG_SCHEME = 'config://';
const sealedOf = (row: SecretRow): SealedSecret => ({ kekId: row.kek_id, wrappedDek: row.wrapped_dek, ciphertext: row.ciphertext });

/**
 * Secrets stored by mcp-config itself (`config://<name>` references). Values are only ever
 * returned by config.secret.resolve; logs carry names, never values.
 */
@Injectable()
export class SecretsService {
  private readonly log = new Logger(SecretsService.name);
  private readonly keyring: Keyring;

  constructor(
    private readonly db: DataSource,
    private readonly changes: ChangeLog,
    @Inject(APP_ENV) env: ConfigEnv,
  ) {
    this.keyring = new Keyring(
      parseKek(env.CONFIG_KEK.toString('base64')),
      env.CONFIG_KEK_PREVIOUS.map((k, i) => {
        try {
          return parseKek(k);
        } catch (err) {
          throw new Error(`CONFIG_KEK_PREVIOUS entry ${i + 1}: ${(err as Error).message}`);
        }
      }),
    );
  }

  async put(request: SecretPutRequest): Promise<SecretPutReply> {
    const tenantId = request.tenantId === undefined ? '' : parseTenantId(request.tenantId);
    const sealed = this.keyring.seal(request.value, aadOf(tenantId, request.name));
    const version = await this.db.transaction(async (manager) => {
      if (tenantId) {
        const tenant = (await manager.query(`SELECT status FROM config.tenants WHERE id = $1 FOR SHARE`, [tenantId])) as Array<{
          status: string;
        }>;
        if (!tenant[0] || tenant[0].status === 'deleted')
          throw new DomainError(ErrorCode.TENANT_UNKNOWN, `Tenant ${tenantId} does not exist`, { tenantId });
      }
      const rows = (await manager.query(
        `INSERT INTO config.secrets (tenant_id, name, kek_id, wrapped_dek, ciphertext, version, updated_by) VALUES ($1, $2, $3, $4, $5, 1, $6)
         ON CONFLICT (tenant_id, name) DO UPDATE SET kek_id = EXCLUDED.kek_id, wrapped_dek = EXCLUDED.wrapped_dek, ciphertext = EXCLUDED.ciphertext,
           version = config.secrets.version + 1, updated_by = EXCLUDED.updated_by, updated_at = now()
         RETURNING version`,
        [tenantId, request.name, sealed.kekId, sealed.wrappedDek, sealed.ciphertext, request.actor],
      )) as Array<{ version: number }>;
      await this.changes.record(manager, ConfigSecretChanged, { name: request.name, tenantId: tenantId || null, operation: 'put' });
      return rows[0]!.version;
    });
    await this.changes.flush();
    this.log.log({ msg: 'secret stored', name: request.name, tenantId: tenantId || null, version });
    return { name: request.name, tenantId: tenantId || null, version };
  }

  async resolve(request: SecretResolveRequest): Promise<{ value: string }> {
    const tenantId = request.tenantId === undefined ? '' : parseTenantId(request.tenantId);
    const rows = (await this.db.query(`SELECT * FROM config.secrets WHERE tenant_id = $1 AND name = $2`, [
      tenantId,
      request.name,
    ])) as SecretRow[];
    if (!rows[0]) throw new DomainError(ErrorCode.NOT_FOUND, `No secret ${request.name}`, { name: request.name });
    try {
      return { value: this.keyring.open(sealedOf(rows[0]), aadOf(tenantId, request.name)) };
    } catch (err) {
      if (err instanceof KeyringError) {
        this.log.error({ msg: 'secret cannot be decrypted', name: request.name, reason: err.message });
        throw new DomainError(ErrorCode.INTERNAL, 'Secret cannot be decrypted with the configured keys', { name: request.name });
      }
      throw err;
    }
  }

  /**
   * A copy of `value` with each `config://<name>` reference replaced by the secret's value,
   * looked up in the entry's own scope (a tenant entry only reaches that tenant's secrets).
   */
  async substitute(value: JsonValue, tenantId: string): Promise<JsonValue> {
    if (isSecretRef(value)) {
      const ref = value[SECRET_KEY];
      if (typeof ref === 'string' && ref.startsWith(CONFIG_SCHEME)) {
        const name = ref.slice(CONFIG_SCHEME.length);
        return (await this.resolve(tenantId ? { name, tenantId } : { name })).value;
      }
      return value;
    }
    if (Array.isArray(value)) return Promise.all(value.map((v) => this.substitute(v, tenantId)));
    if (typeof value === 'object' && value !== null) {
      const entries = await Promise.all(Object.entries(value).map(async ([k, v]) => [k, await this.substitute(v, tenantId)] as const));
      return Object.fromEntries(entries);
    }
    return value;
  }

  /** Re-wraps every data key not under the current KEK; batches keep transactions short. */
  async rotate(actor: string): Promise<SecretRotateReply> {
    let rewrapped = 0;
    for (;;) {
      const done = await this.db
        .transaction(async (manager) => {
          const rows = (await manager.query(
            `SELECT * FROM config.secrets WHERE kek_id <> $1 ORDER BY tenant_id, name LIMIT 100 FOR UPDATE SKIP LOCKED`,
            [this.keyring.current.id],
          )) as SecretRow[];
          let count = 0;
          for (const row of rows) {
            const next = this.keyring.rewrap(sealedOf(row), aadOf(row.tenant_id, row.name));
            if (!next) continue;
            await manager.query(`UPDATE config.secrets SET kek_id = $3, wrapped_dek = $4 WHERE tenant_id = $1 AND name = $2`, [
              row.tenant_id,
              row.name,
              next.kekId,
              next.wrappedDek,
            ]);
            count++;
          }
          return count;
        })
        .catch((err: unknown) => {
          if (err instanceof KeyringError) {
            throw new DomainError(
              ErrorCode.CONFLICT,
              'Some data keys are wrapped by a KEK that is not configured (add it to CONFIG_KEK_PREVIOUS)',
              {},
            );
          }
          throw err;
        });
      rewrapped += done;
      if (done === 0) break;
    }
    const remaining = (await this.db.query(`SELECT count(*)::int AS n FROM config.secrets WHERE kek_id <> $1`, [
      this.keyring.current.id,
    ])) as Array<{ n: number }>;
    this.log.log({ msg: 'data keys re-wrapped', kekId: this.keyring.current.id, rewrapped, remaining: remaining[0]!.n, actor });
    return { kekId: this.keyring.current.id, rewrapped, remaining: remaining[0]!.n };
  }
}
