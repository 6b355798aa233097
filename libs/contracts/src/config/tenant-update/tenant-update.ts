// class-transformer's @Type reads design-time metadata, so the polyfill must be loaded even outside Nest.
import 'reflect-metadata';
import { ActorField } from '../../audit-fields.js';
import { Type } from 'class-transformer';
import { ArrayMaxSize, IsIn, IsInt, IsOptional, IsString, Length, Matches, Min, ValidateNested } from 'class-validator';
import { defineRpc } from '../../rpc.js';
import type { TenantRecord, TenantTier } from '../model.js';
import { FEATURE_PATTERN, TENANT_TIERS, TenantLimitsInput } from '../tenant-onboard/tenant-onboard.js';

/** Changes name, tier, features or limits; `expectedVersion` guards against lost updates (409). */
export class TenantUpdateRequest {
  @IsString()
  tenantId: string;

  @IsInt()
  @Min(1)
  expectedVersion: number;

  @IsOptional()
  @IsString()
  @Length(1, 200)
  name?: string;

  @IsOptional()
  @IsIn(TENANT_TIERS)
  tier?: TenantTier;

  @IsOptional()
  @ArrayMaxSize(100)
  @Matches(FEATURE_PATTERN, { each: true })
  features?: string[];

  @IsOptional()
  @ValidateNested()
  @Type(() => TenantLimitsInput)
  limits?: TenantLimitsInput;

  @ActorField()
  actor: string;
}

export type TenantUpdateReply = TenantRecord;

export const ConfigTenantUpdate = defineRpc<TenantUpdateRequest, TenantUpdateReply>('config.tenant.update', TenantUpdateRequest);
