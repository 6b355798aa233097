import { IsOptional, IsString, Length, Matches } from 'class-validator';
import { defineRpc } from '../../rpc.js';
import { POLICY_TENANT_PATTERN } from '../decision-evaluate/decision-evaluate.js';

/**
 * policy.tenant.bootstrap — installs the default tenant policy (seed 004 §7.1: members may GET
 * contexts, the tenant's `admin` role may do anything in it) for a newly onboarded tenant.
 * Called by mcp-config; idempotent (rules already present are left alone).
 */
export class TenantBootstrapRequest {
  @Matches(POLICY_TENANT_PATTERN)
  tenantId!: string;

  @IsOptional()
  @IsString()
  @Length(1, 256)
  actor?: string;
}

export interface TenantBootstrapReply {
  version: number;
  /** Ids of the rules this call added (empty when the tenant was already bootstrapped). */
  installed: string[];
}

export const TenantBootstrap = defineRpc<TenantBootstrapRequest, TenantBootstrapReply>('policy.tenant.bootstrap', TenantBootstrapRequest);
