import { AsyncLocalStorage } from 'node:async_hooks';
import { DomainError, ErrorCode } from '#contracts';
import type { TenantId } from './tenant-id.js';

export interface TenantContext {
  readonly tenantId: TenantId;
  /** Who acts for the tenant (user id, API key id or service name). */
  readonly actor: string;
}

const storage = new AsyncLocalStorage<TenantContext>();

/** Runs `fn` with the tenant bound for everything it calls, including across awaits. */
export function runInTenant<T>(context: TenantContext, fn: () => T): T {
  return storage.run(context, fn);
}

export function currentTenant(): TenantContext | undefined {
  return storage.getStore();
}

export function requireTenant(): TenantContext {
  const context = storage.getStore();
  if (!context) throw new DomainError(ErrorCode.TENANT_REQUIRED, 'This operation needs a tenant context');
  return context;
}
