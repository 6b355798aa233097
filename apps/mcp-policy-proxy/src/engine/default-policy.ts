import { BREAK_GLASS_ROLE, GLOBAL_DOMAIN, MEMBER_ROLE, PLATFORM_ADMIN_ROLE, type PolicyRule } from './rules.js';

/** Tenant role that may do anything inside its own tenant (seed 004 §7.1 "admin"). */
export const TENANT_ADMIN_ROLE = 'admin';

/**
 * Platform rules installed by the first migration (seed 004 §7.1, read for a multi-tenant platform):
 * a suspended tenant is denied everything, admins included, unless the caller holds the platform
 * break-glass role; platform admins act in every tenant.
 */
export const PLATFORM_RULES: readonly PolicyRule[] = [
  {
    id: 'platform.suspended-tenant',
    domain: GLOBAL_DOMAIN,
    subject: '*',
    resource: '*',
    action: '*',
    condition: `r.ctx.tenantStatus == "suspended" && !hasRole(r.sub, "${BREAK_GLASS_ROLE}")`,
    effect: 'deny',
    reason: 'tenant_suspended',
    description: 'A suspended tenant is denied everything unless the platform break-glass role is used',
  },
  {
    id: 'platform.admin',
    domain: GLOBAL_DOMAIN,
    subject: PLATFORM_ADMIN_ROLE,
    resource: '*',
    action: '*',
    condition: 'true',
    effect: 'allow',
    description: 'Platform administrators may do anything in every tenant',
  },
  {
    id: 'platform.break-glass',
    domain: GLOBAL_DOMAIN,
    subject: BREAK_GLASS_ROLE,
    resource: '*',
    action: '*',
    condition: 'true',
    effect: 'allow',
    reason: 'break_glass',
    description: 'Emergency access, including suspended tenants; every use is in the decision log',
  },
];

/**
 * Rules policy.tenant.bootstrap installs in a new tenant's domain (seed 004 §7.1): members may GET
 * contexts; the tenant's admins may do anything in it. Ids are derived from the tenant so that
 * bootstrapping twice changes nothing.
 */
export function tenantDefaultRules(tenantId: string): PolicyRule[] {
  return [
    {
      id: `${tenantId}.member-get-context`,
      domain: tenantId,
      subject: MEMBER_ROLE,
      resource: 'context',
      action: 'GET',
      condition: 'true',
      effect: 'allow',
      description: 'Members of the tenant may read its contexts',
    },
    {
      id: `${tenantId}.admin-all`,
      domain: tenantId,
      subject: TENANT_ADMIN_ROLE,
      resource: '*',
      action: '*',
      condition: 'true',
      effect: 'allow',
      description: 'Tenant administrators may do anything inside the tenant',
    },
  ];
}
