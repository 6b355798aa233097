import type { RegistryScope } from '#contracts';

interface Entry<V> {
  tenantId: string;
  server: string;
  value: V;
  expires: number;
}

/**
 * Per-replica cache of what a tool call resolves to (tenant, server, tool → registry, upstream,
 * pinned version and its status). Entries are dropped when the registry announces a change of that
 * server; a lookup that started before any drop is not stored (generation check), so a read racing a
 * change can never re-insert the state the change replaced. The TTL only bounds a lost announcement.
 */
export class RegistryCache<V> {
  private readonly entries = new Map<string, Entry<V>>();
  private generation = 0;

  constructor(
    private readonly ttlMs: number,
    private readonly maxEntries: number,
    private readonly now: () => number = Date.now,
  ) {}

  get(tenantId: string, server: string, tool: string): V | undefined {
    const key = cacheKey(tenantId, server, tool);
    const entry = this.entries.get(key);
    if (!entry) return undefined;
    if (entry.expires <= this.now()) {
      this.entries.delete(key);
      return undefined;
    }
    return entry.value;
  }

  /** Call before the lookup whose result will be stored; pass the result to `set`. */
  begin(): number {
    return this.generation;
  }

  set(generation: number, tenantId: string, server: string, tool: string, value: V): void {
    if (this.ttlMs <= 0 || generation !== this.generation) return;
    // Many tenants × tools: starting over is cheaper than tracking recency, and misses are correct.
    if (this.entries.size >= this.maxEntries) this.entries.clear();
    this.entries.set(cacheKey(tenantId, server, tool), { tenantId, server, value, expires: this.now() + this.ttlMs });
  }

  /**
   * A global server of that name may be what any tenant resolves to; a tenant's own server only
   * affects that tenant (it shadows the global one of the same name). Without a tenant, every tenant's
   * entries for the server go.
   */
  invalidate(scope: RegistryScope, server: string, tenantId?: string): void {
    this.generation++;
    for (const [key, e] of this.entries) {
      if (e.server === server && (scope === 'global' || tenantId === undefined || e.tenantId === tenantId)) this.entries.delete(key);
    }
  }

  clear(): void {
    this.generation++;
    this.entries.clear();
  }

  get size(): number {
    return this.entries.size;
  }
}

function cacheKey(tenantId: string, server: string, tool: string): string {
  return `${tenantId}\u0000${server}\u0000${tool}`;
}
