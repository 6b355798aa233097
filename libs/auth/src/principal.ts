import type { TenantId } from '#tenancy';

/** Roles the platform itself knows; tenants may define more in policy. */
export const PLATFORM_ADMIN_ROLE = 'platform-admin';
/** Platform-level break-glass role: the only way past a suspended tenant (seed 004 §7.1). */
export const BREAK_GLASS_ROLE = 'break-glass';

/** Who is calling, as established by the gateway from a verified JWT or API key. */
export interface Principal {
  /** `sub` of the token, or `apikey:<id>`. */
  id: string;
  kind: 'user' | 'service' | 'api-key';
  /** Tenants the principal may act for. */
  tenants: TenantId[];
  roles: string[];
  /** Expiry of the credential (epoch seconds), when it has one. */
  expiresAt?: number;
}

export function isPlatformAdmin(principal: Pick<Principal, 'roles'>): boolean {
  return principal.roles.includes(PLATFORM_ADMIN_ROLE);
}
