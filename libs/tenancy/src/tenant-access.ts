import { DomainError, ErrorCode } from '#contracts';
import { isTenantId, parseTenantId, type TenantId } from './tenant-id.js';

/** What the tenant registry (mcp-config) says about a tenant, as far as access is concerned. */
export interface TenantAccessInfo {
  status: string;
  features: readonly string[];
}

export interface TenantCaller {
  /** Tenants the caller may act for. */
  tenants: readonly string[];
  /** Acts for any tenant (platform administrators). */
  anyTenant?: boolean;
  /** May act for a suspended tenant (break-glass). */
  pastSuspension?: boolean;
}

/**
 * The tenant check of every tenant route, in the order the errors must come: no X-Tenant-ID → 400,
 * malformed → 400 (before the id is used anywhere), not one of the caller's tenants → 403, unknown
 * or deleted → 403, suspended → 403, a required feature missing → 403.
 */
export function resolveTenantAccess<T extends TenantAccessInfo>(
  header: string | string[] | undefined,
  caller: TenantCaller,
  lookup: (id: TenantId) => T | undefined,
  requiredFeature?: string,
): { tenantId: TenantId; tenant: T } {
  if (Array.isArray(header)) throw new DomainError(ErrorCode.TENANT_INVALID, 'X-Tenant-ID must be given once');
  const tenantId = parseTenantId(header);
  if (!caller.anyTenant && !caller.tenants.some((t) => isTenantId(t) && t === tenantId)) {
    throw new DomainError(ErrorCode.TENANT_FORBIDDEN, 'The caller may not act for this tenant');
  }
  const tenant = lookup(tenantId);
  if (!tenant || tenant.status === 'deleted') throw new DomainError(ErrorCode.TENANT_UNKNOWN, 'Unknown tenant');
  if (tenant.status !== 'active' && !(tenant.status === 'suspended' && caller.pastSuspension)) {
    throw new DomainError(ErrorCode.TENANT_SUSPENDED, 'The tenant is suspended');
  }
  if (requiredFeature !== undefined && !tenant.features.includes(requiredFeature)) {
    throw new DomainError(ErrorCode.FEATURE_DISABLED, `The tenant does not have the ${requiredFeature} feature`, {
      feature: requiredFeature,
    });
  }
  return { tenantId, tenant };
}
