// class-transformer's @Type reads design-time metadata, so the polyfill must be loaded even outside Nest.
import 'reflect-metadata';
import { ActorField } from '../../audit-fields.js';
import { Type } from 'class-transformer';
import { ArrayMaxSize, IsIn, IsInt, IsOptional, IsString, Length, Matches, Min, ValidateNested } from 'class-validator';
import { defineRpc } from '../../rpc.js';
import type { TenantRecord, TenantTier } from '../model.js';

export const TENANT_TIERS: readonly TenantTier[] = ['free', 'standard', 'premium', 'enterprise'];
export const FEATURE_PATTERN = /^[a-z0-9][a-z0-9_.-]{0,63}$/;

export class TenantLimitsInput {
  @IsInt()
  @Min(1)
  requests_per_minute: number;

  @IsInt()
  @Min(1)
  concurrent_contexts: number;
}

/** What a tenant is given (seed 004 routing.yaml): tier, features, limits; set at onboarding, changed by update. */
export class TenantProfileInput {
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
}

/**
 * Onboards a tenant: registry row, Postgres schema `tenant_<id>` (or the explicit `schema`,
 * which must equal the derived name, since every app derives it from the id) with its
 * tables by migration, then default policies from mcp-policy-proxy (policy.tenant.bootstrap).
 * If the policy service does not answer, the tenant is created with
 * `policyBootstrap: 'pending'` and the request is retried in the background.
 */
export class TenantOnboardRequest extends TenantProfileInput {
  @IsString()
  tenantId: string;

  @IsString()
  @Length(1, 200)
  name: string;

  @IsOptional()
  @IsString()
  schema?: string;

  @ActorField()
  actor: string;
}

export type TenantOnboardReply = TenantRecord;

export const ConfigTenantOnboard = defineRpc<TenantOnboardRequest, TenantOnboardReply>('config.tenant.onboard', TenantOnboardRequest);
