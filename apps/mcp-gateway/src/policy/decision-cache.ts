/**
 * Short-lived cache of policy decisions keyed by everything the decision depends on. Concurrent
 * misses for the same key share one downstream call. `clear()` runs on a policy-change event; a
 * generation counter keeps a decision that was in flight during the change from being stored.
 */
export class DecisionCache<T> {
  private readonly entries = new Map<string, { value: T; until: number }>();
  private readonly inflight = new Map<string, Promise<T>>();
  private generation = 0;

  constructor(
    private readonly ttlMs: number,
    private readonly maxEntries: number,
    private readonly now: () => number = Date.now,
  ) {}

  async get(key: string, load: () => Promise<T>): Promise<T> {
    const hit = this.entries.get(key);
    if (hit && hit.until > this.now()) return hit.value;
    const pending = this.inflight.get(key);
    if (pending) return pending;
    const generation = this.generation;
    const p = load()
      .then((value) => {
        if (generation === this.generation) this.store(key, value);
        return value;
      })
      .finally(() => {
        if (this.inflight.get(key) === p) this.inflight.delete(key);
      });
    this.inflight.set(key, p);
    return p;
  }

  clear(): void {
    this.generation += 1;
    this.entries.clear();
    this.inflight.clear();
  }

  private store(key: string, value: T): void {
    if (this.ttlMs <= 0) return;
    if (this.entries.size >= this.maxEntries && !this.entries.has(key)) {
      const oldest = this.entries.keys().next();
      if (!oldest.done) this.entries.delete(oldest.value);
    }
    this.entries.set(key, { value, until: this.now() + this.ttlMs });
  }
}
