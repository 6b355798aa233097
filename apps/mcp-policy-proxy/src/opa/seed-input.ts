import { ArrayMaxSize, IsArray, IsOptional, IsString, Length, Matches } from 'class-validator';
import { POLICY_TENANT_PATTERN } from '#contracts';
import type { DecisionInput } from '../engine/policy-index.js';

/**
 * The flat input of seed 004 §7.1's Rego policy (`input.method`, `input.tenant_id`, …), accepted
 * on the OPA Data API beside the native decision request so callers written for that policy work
 * unchanged. Membership comes from `user_tenants` when given, otherwise from role bindings
 * (the Rego `data.user_tenants`).
 */
export class SeedAuthzInput {
  @Matches(/^[A-Za-z][A-Za-z0-9_.:-]{0,62}$/)
  method!: string;

  @Matches(POLICY_TENANT_PATTERN)
  tenant_id!: string;

  @IsString()
  @Length(1, 256)
  user_id!: string;

  @IsOptional()
  @Matches(/^[a-z][a-z0-9_.:-]{0,62}$/)
  user_role?: string;

  @IsOptional()
  @IsArray()
  @ArrayMaxSize(64)
  @Matches(/^[a-z][a-z0-9_.:-]{0,62}$/, { each: true })
  user_roles?: string[];

  @IsOptional()
  @IsArray()
  @ArrayMaxSize(1000)
  @Matches(POLICY_TENANT_PATTERN, { each: true })
  user_tenants?: string[];

  @Matches(/^[a-z][a-zA-Z0-9_.:-]{0,62}$/)
  resource_type!: string;

  @IsOptional()
  @IsString()
  @Length(1, 256)
  resource_id?: string;

  @IsOptional()
  @IsString()
  @Length(1, 256)
  resource_owner?: string;

  @IsOptional()
  @IsString()
  @Length(1, 32)
  tenant_status?: string;

  @IsOptional()
  @IsString()
  @Length(1, 32)
  tenant_tier?: string;
}

export function fromSeedInput(i: SeedAuthzInput): DecisionInput {
  const roles = [...(i.user_role ? [i.user_role] : []), ...(i.user_roles ?? [])];
  const context: Record<string, unknown> = {};
  if (i.tenant_status !== undefined) context['tenantStatus'] = i.tenant_status;
  if (i.tenant_tier !== undefined) context['tenantTier'] = i.tenant_tier;
  return {
    subject: { id: i.user_id, roles, tenants: i.user_tenants ?? [] },
    tenantId: i.tenant_id,
    resource: {
      type: i.resource_type,
      ...(i.resource_id !== undefined ? { id: i.resource_id } : {}),
      ...(i.resource_owner !== undefined ? { owner: i.resource_owner } : {}),
    },
    action: i.method,
    context,
  };
}
