import type { MsgHdrs } from 'nats';
import { currentTenant, isTenantId, runInTenant } from '#tenancy';

/**
 * Carries the tenant a request acts for across NATS hops, so every app on the path runs its handler
 * in that tenant's context (and tracing stamps `tenant.id` on its spans). Only platform apps publish
 * on NATS; clients never reach it directly, and the value is validated like any tenant id.
 */
export const TENANT_HEADER = 'Mcp-Tenant-Id';

export function injectTenant(headers: MsgHdrs, tenantId: string | undefined = currentTenant()?.tenantId): void {
  if (tenantId) headers.set(TENANT_HEADER, tenantId);
}

/** Runs `fn` in the tenant context named by the headers, or as is when there is none. */
export function inHeaderTenant<T>(headers: MsgHdrs | undefined, fn: () => T): T {
  const value = headers?.has(TENANT_HEADER) ? headers.get(TENANT_HEADER) : undefined;
  return isTenantId(value) ? runInTenant({ tenantId: value, actor: 'nats' }, fn) : fn();
}
