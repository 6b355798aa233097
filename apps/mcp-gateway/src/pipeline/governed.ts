import { SetMetadata } from '@nestjs/common';

/**
 * How the gateway governs a route. Every route outside the exempt paths (health, metrics, docs,
 * well-known metadata) must carry this, so a new route cannot go out unauthenticated by accident.
 */
export interface GovernedRoute {
  /** Policy resource type; absent for routes that authorize per item themselves (MCP: per tool). */
  resource?: string;
  action?: string;
  /** Route param holding the resource id, passed to the policy decision. */
  resourceIdParam?: string;
  /** Tenant routes need X-Tenant-ID; platform routes (tenant administration) do not. Default true. */
  tenant?: boolean;
  /** Tenant feature the route needs (e.g. `ml_inference`). */
  feature?: string;
  /** Platform administration (onboarding tenants, global flags): only `platform-admin` may call it. */
  platformAdmin?: boolean;
}

export const GOVERNED = Symbol('gateway:governed');
export const Governed = (route: GovernedRoute) => SetMetadata(GOVERNED, route);
