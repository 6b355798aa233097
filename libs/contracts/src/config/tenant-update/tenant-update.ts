import { ActorField } from '../../audit-fields.js';
import { IsInt, IsOptional, IsString, Length, Min } from 'class-validator';
import { defineRpc } from '../../rpc.js';
import type { TenantRecord } from '../model.js';
import { TenantProfileInput } from '../tenant-onboard/tenant-onboard.js';

/** Changes name, tier, features or limits; `expectedVersion` guards against lost updates (409). */
export class TenantUpdateRequest extends TenantProfileInput {
  @IsString()
  tenantId: string;

  @IsInt()
  @Min(1)
  expectedVersion: number;

  @IsOptional()
  @IsString()
  @Length(1, 200)
  name?: string;

  @ActorField()
  actor: string;
}

export type TenantUpdateReply = TenantRecord;

export const ConfigTenantUpdate = defineRpc<TenantUpdateRequest, TenantUpdateReply>('config.tenant.update', TenantUpdateRequest);
