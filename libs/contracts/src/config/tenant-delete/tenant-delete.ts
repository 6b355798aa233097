import { ActorField } from '../../audit-fields.js';
import { IsBoolean, IsOptional, IsString } from 'class-validator';
import { defineRpc } from '../../rpc.js';
import type { TenantRecord } from '../model.js';

/**
 * Deletes a tenant: status `deleted`, all its API keys revoked (each with its revocation
 * event). The schema is dropped only when `dropSchema` is true, `confirm` repeats the
 * tenant id, and an export was taken after the tenant's last change; otherwise it is kept.
 */
export class TenantDeleteRequest {
  @IsString()
  tenantId: string;

  @IsOptional()
  @IsBoolean()
  dropSchema?: boolean;

  @IsOptional()
  @IsString()
  confirm?: string;

  @ActorField()
  actor: string;
}

export interface TenantDeleteReply {
  tenant: TenantRecord;
  schemaDropped: boolean;
}

export const ConfigTenantDelete = defineRpc<TenantDeleteRequest, TenantDeleteReply>('config.tenant.delete', TenantDeleteRequest);
