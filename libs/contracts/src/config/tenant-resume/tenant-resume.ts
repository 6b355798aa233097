import { ActorField } from '../../audit-fields.js';
import { IsString } from 'class-validator';
import { defineRpc } from '../../rpc.js';
import type { TenantRecord } from '../model.js';

/** Reactivates a suspended tenant (a deleted one stays deleted). */
export class TenantResumeRequest {
  @IsString()
  tenantId: string;

  @ActorField()
  actor: string;
}

export type TenantResumeReply = TenantRecord;

export const ConfigTenantResume = defineRpc<TenantResumeRequest, TenantResumeReply>('config.tenant.resume', TenantResumeRequest);
