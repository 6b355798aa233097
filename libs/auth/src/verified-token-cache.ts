import type { Principal } from './principal.js';

/**
 * Verified bearer tokens → principal, held until the token expires so the hot path skips the
 * signature check (ES256 verification alone caps a core at a few thousand requests per second).
 * Bounded: the oldest insertion is evicted first, so a flood of distinct tokens cannot grow memory.
 */
export class VerifiedTokenCache {
  private readonly entries = new Map<string, Principal>();

  constructor(
    private readonly maxEntries: number,
    private readonly now: () => number = Date.now,
  ) {}

  get(token: string): Principal | undefined {
    const hit = this.entries.get(token);
    if (hit === undefined) return undefined;
    if (expiryMs(hit) <= this.now()) {
      this.entries.delete(token);
      return undefined;
    }
    return hit;
  }

  set(token: string, principal: Principal): void {
    if (expiryMs(principal) <= this.now()) return;
    if (this.entries.size >= this.maxEntries && !this.entries.has(token)) {
      const oldest = this.entries.keys().next();
      if (!oldest.done) this.entries.delete(oldest.value);
    }
    this.entries.set(token, principal);
  }

  get size(): number {
    return this.entries.size;
  }
}

/** Principals without an expiry are never cached: the cache must not outlive the credential. */
function expiryMs(principal: Principal): number {
  return principal.expiresAt === undefined ? 0 : principal.expiresAt * 1000;
}
