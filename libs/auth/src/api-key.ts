import { createHash } from 'node:crypto';
import { parseTenantId } from '#tenancy';
import type { Principal } from './principal.js';

/** What mcp-config answers for a valid, unrevoked key. */
export interface ApiKeyGrant {
  keyId: string;
  tenantId: string;
  roles: string[];
  /** Epoch seconds; absent when the key does not expire. */
  expiresAt?: number;
}

/** Keys are looked up and cached by digest, so the raw key never sits in a map or a log line. */
export function apiKeyDigest(rawKey: string): string {
  return createHash('sha256').update(rawKey).digest('hex');
}

/**
 * Verified API keys cached for a short TTL; a revocation event drops the key at once (by key id),
 * so the TTL only bounds how stale a missed event can make the cache.
 */
export class ApiKeyCache {
  private readonly byDigest = new Map<string, { principal: Principal; keyId: string; until: number }>();
  private readonly digestByKeyId = new Map<string, string>();

  constructor(
    private readonly ttlMs: number,
    private readonly maxEntries: number,
    private readonly now: () => number = Date.now,
  ) {}

  get(digest: string): Principal | undefined {
    const hit = this.byDigest.get(digest);
    if (!hit) return undefined;
    if (hit.until <= this.now()) {
      this.drop(digest);
      return undefined;
    }
    return hit.principal;
  }

  set(digest: string, grant: ApiKeyGrant): Principal {
    const principal = principalFromGrant(grant);
    if (this.byDigest.size >= this.maxEntries && !this.byDigest.has(digest)) {
      const oldest = this.byDigest.keys().next();
      if (!oldest.done) this.drop(oldest.value);
    }
    const until = Math.min(this.now() + this.ttlMs, (principal.expiresAt ?? Number.POSITIVE_INFINITY) * 1000);
    this.byDigest.set(digest, { principal, keyId: grant.keyId, until });
    this.digestByKeyId.set(grant.keyId, digest);
    return principal;
  }

  clear(): void {
    this.byDigest.clear();
    this.digestByKeyId.clear();
  }

  revoke(keyId: string): void {
    const digest = this.digestByKeyId.get(keyId);
    if (digest !== undefined) this.drop(digest);
  }

  private drop(digest: string): void {
    const hit = this.byDigest.get(digest);
    this.byDigest.delete(digest);
    if (hit && this.digestByKeyId.get(hit.keyId) === digest) this.digestByKeyId.delete(hit.keyId);
  }
}

export function principalFromGrant(grant: ApiKeyGrant): Principal {
  const principal: Principal = {
    id: `apikey:${grant.keyId}`,
    kind: 'api-key',
    tenants: [parseTenantId(grant.tenantId)],
    roles: [...grant.roles],
  };
  if (grant.expiresAt !== undefined) principal.expiresAt = grant.expiresAt;
  return principal;
}
