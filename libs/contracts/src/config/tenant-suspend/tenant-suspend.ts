import { ActorField, ChangeReasonField } from '../../audit-fields.js';
import { IsString } from 'class-validator';
import { defineRpc } from '../../rpc.js';
import type { TenantRecord } from '../model.js';

/**
 * Suspends a tenant: its status becomes `suspended` and events.config.tenant.changed tells
 * every gateway (through #config-client) to deny it. Data and keys are kept.
 */
export class TenantSuspendRequest {
  @IsString()
  tenantId: string;

  @ActorField()
  actor: string;

  @ChangeReasonField()
  reason?: string;
}

export type TenantSuspendReply = TenantRecord;

export const ConfigTenantSuspend = defineRpc<TenantSuspendRequest, TenantSuspendReply>('config.tenant.suspend', TenantSuspendRequest);
