import { ActorField } from '../../audit-fields.js';
import { IsString } from 'class-validator';
import { defineRpc } from '../../rpc.js';
import type { EntryView } from '../common.js';
import type { JsonValue, TenantRecord } from '../model.js';

/**
 * Everything the platform holds for a tenant, as JSON: registry record, config entries
 * (redacted), API keys (without hashes), secret names (never values) and the rows of every
 * table in its schema. Recording the export is what allows config.tenant.delete to drop
 * the schema.
 */
export class TenantExportRequest {
  @IsString()
  tenantId: string;

  @ActorField()
  actor: string;
}

export interface TenantExportReply {
  exportedAt: string;
  tenant: TenantRecord;
  entries: EntryView[];
  apiKeys: Array<{ keyId: string; name: string; prefix: string; roles: string[]; createdAt: string; revokedAt: string | null }>;
  secretNames: string[];
  tables: Record<string, JsonValue[]>;
}

export const ConfigTenantExport = defineRpc<TenantExportRequest, TenantExportReply>('config.tenant.export', TenantExportRequest);
