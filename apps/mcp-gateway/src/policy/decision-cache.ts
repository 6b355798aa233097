/** Serving an expired decision when the source cannot be asked (off unless `ms` > 0). */
export interface StaleIfUnavailable {
  ms: number;
  /** Whether a load failure means "cannot be asked now" rather than a real answer. */
  unavailable: (err: unknown) => boolean;
}

/**
 * Short-lived cache of policy decisions keyed by everything the decision depends on. Concurrent
 * misses for the same key share one downstream call. `clear()` runs on a policy-change event; a
 * generation counter keeps a decision that was in flight during the change from being stored.
 * With `stale`, a decision up to `stale.ms` past its TTL answers while the source is unavailable;
 * a policy change still drops it.
 */
export class DecisionCache<T> {
  private readonly entries = new Map<string, { value: T; until: number }>();
  private readonly inflight = new Map<string, Promise<T>>();
  private generation = 0;

  constructor(
    private readonly ttlMs: number,
    private readonly maxEntries: number,
    private readonly now: () => number = Date.now,
    private readonly stale: StaleIfUnavailable = { ms: 0, unavailable: () => false },
  ) {}

  async get(key: string, load: () => Promise<T>): Promise<T> {
    const hit = this.entries.get(key);
    if (hit && hit.until > this.now()) return hit.value;
    const pending = this.inflight.get(key);
    if (pending) return pending;
    const generation = this.generation;
    const p = load()
      .then(
        (value) => {
          if (generation === this.generation) this.store(key, value);
          return value;
        },
        (err: unknown) => {
          const last = this.entries.get(key);
          if (last && generation === this.generation && last.until + this.stale.ms > this.now() && this.stale.unavailable(err))
            return last.value;
          throw err;
        },
      )
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
