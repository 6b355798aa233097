import { IsString, Length } from 'class-validator';
import { defineRpc } from '../../rpc.js';
import type { TenantRecord } from '../model.js';

/** Reactivates a suspended tenant (a deleted one stays deleted). */
export class TenantResumeRequest {
  @IsString()
  tenantId: string;

  @IsString()
  @Length(1, 200)
  actor: string;
}

export type TenantResumeReply = TenantRecord;

export const ConfigTenantResume = defineRpc<TenantResumeRequest, TenantResumeReply>('config.tenant.resume', TenantResumeRequest);
