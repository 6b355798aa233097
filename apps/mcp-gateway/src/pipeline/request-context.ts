import type { Principal } from '#auth';
import type { TenantId } from '#tenancy';

/** What the tenant registry says about a tenant, as the gateway uses it. */
export interface GatewayTenant {
  id: TenantId;
  status: string;
  tier: string;
  features: readonly string[];
  requestsPerMinute?: number;
}

/** Set on the request by the gateway guard once the call is authenticated, bound and admitted. */
export interface GatewayContext {
  principal: Principal;
  tenant?: GatewayTenant;
}

declare module 'fastify' {
  interface FastifyRequest {
    gateway?: GatewayContext;
  }
}

/** Tenant registry lookups; synchronous because the registry is held in memory and kept live by events. */
export abstract class TenantDirectory {
  abstract get(id: TenantId): GatewayTenant | undefined;
}

export interface PolicyQuery {
  resource: { type: string; id?: string };
  action: string;
}

export interface PolicyVerdict {
  allow: boolean;
  reason: string;
}

/** Policy decisions for a principal acting for a tenant. */
export abstract class PolicyDecider {
  abstract decide(principal: Principal, tenant: GatewayTenant, query: PolicyQuery): Promise<PolicyVerdict>;
}
