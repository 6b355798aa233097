import { IsOptional, IsString, Length } from 'class-validator';
import { defineRpc } from '../../rpc.js';
import type { TenantRecord } from '../model.js';

/**
 * Suspends a tenant: its status becomes `suspended` and events.config.tenant.changed tells
 * every gateway (through #config-client) to deny it. Data and keys are kept.
 */
export class TenantSuspendRequest {
  @IsString()
  tenantId: string;

  @IsString()
  @Length(1, 200)
  actor: string;

  @IsOptional()
  @IsString()
  @Length(0, 1000)
  reason?: string;
}

export type TenantSuspendReply = TenantRecord;

export const ConfigTenantSuspend = defineRpc<TenantSuspendRequest, TenantSuspendReply>('config.tenant.suspend', TenantSuspendRequest);
