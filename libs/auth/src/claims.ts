import { isTenantId, type TenantId } from '#tenancy';
import type { Principal } from './principal.js';

/** Raised for any credential that must be answered with 401; `reason` is for logs and metrics only. */
export class CredentialRejected extends Error {
  constructor(readonly reason: string) {
    super(reason);
    this.name = 'CredentialRejected';
  }
}

const MAX_LIST = 256;

function stringList(value: unknown, claim: string): string[] {
  if (value === undefined) return [];
  if (!Array.isArray(value) || value.length > MAX_LIST || !value.every((v) => typeof v === 'string' && v.length > 0 && v.length <= 128)) {
    throw new CredentialRejected(`claim ${claim} is not a list of strings`);
  }
  return value as string[];
}

/**
 * Maps verified JWT claims to a principal: `sub` is the id, `tenants` and `roles` are string lists.
 * Signature, issuer, audience and time checks have already been done by the verifier.
 */
export function principalFromClaims(payload: Record<string, unknown>): Principal {
  const sub = payload['sub'];
  if (typeof sub !== 'string' || sub.length === 0 || sub.length > 256) throw new CredentialRejected('missing sub');
  const exp = payload['exp'];
  // A token without exp would stay valid (and cached) forever.
  if (typeof exp !== 'number' || !Number.isFinite(exp)) throw new CredentialRejected('missing exp');
  const tenants = stringList(payload['tenants'], 'tenants');
  // Tenant ids become schema names and subject tokens; a token naming a malformed one is refused whole.
  if (!tenants.every(isTenantId)) throw new CredentialRejected('claim tenants holds an invalid tenant id');
  return { id: sub, kind: 'user', tenants: tenants as TenantId[], roles: stringList(payload['roles'], 'roles'), expiresAt: exp };
}
