import type { RpcContract } from '#contracts';

/** Request of `policy.tenant.bootstrap` (owned by mcp-policy-proxy): install a new tenant's default policies. */
export class PolicyTenantBootstrapRequest {
  tenantId!: string;
}

/**
 * The policy service's contract is defined by its owner in libs/contracts/src/policy/;
 * defining it here with defineRpc would register the subject twice. This reference only
 * names the subject for RpcClient until that contract lands on main.
 */
export const PolicyTenantBootstrap: RpcContract<PolicyTenantBootstrapRequest, unknown> = {
  kind: 'rpc',
  subject: 'policy.tenant.bootstrap',
  request: PolicyTenantBootstrapRequest,
};
