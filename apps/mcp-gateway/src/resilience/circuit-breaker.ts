export type BreakerState = 'closed' | 'open' | 'half_open';

export interface BreakerOptions {
  /** Consecutive failures that open the breaker. */
  failureThreshold: number;
  /** How long an open breaker refuses calls before letting one probe through. */
  openMs: number;
}

/** Thrown by `run` when the breaker refuses the call without trying the downstream. */
export class BreakerOpen extends Error {
  constructor(
    readonly downstream: string,
    readonly retryInMs: number,
  ) {
    super(`${downstream} circuit open`);
    this.name = 'BreakerOpen';
  }
}

/**
 * Closed → open after N consecutive failures → half-open after the open period, where exactly one
 * probe call is let through: success closes the breaker, failure re-opens it for another period.
 * Which errors count as failures is the caller's decision (domain errors are answers, not outages).
 */
export class CircuitBreaker {
  private failures = 0;
  private openedAt = 0;
  private probing = false;
  private current: BreakerState = 'closed';

  constructor(
    readonly downstream: string,
    private readonly options: BreakerOptions,
    private readonly isFailure: (err: unknown) => boolean,
    private readonly now: () => number = Date.now,
    private readonly onStateChange?: (downstream: string, state: BreakerState) => void,
  ) {}

  get state(): BreakerState {
    if (this.current === 'open' && this.now() - this.openedAt >= this.options.openMs) return 'half_open';
    return this.current;
  }

  async run<T>(call: () => Promise<T>): Promise<T> {
    const state = this.state;
    if (state === 'open' || (state === 'half_open' && this.probing)) {
      throw new BreakerOpen(this.downstream, Math.max(0, this.options.openMs - (this.now() - this.openedAt)));
    }
    if (state === 'half_open') {
      this.probing = true;
      this.transition('half_open');
    }
    try {
      const result = await call();
      this.onSuccess();
      return result;
    } catch (err) {
      if (this.isFailure(err)) this.onFailure();
      else this.onSuccess();
      throw err;
    } finally {
      if (state === 'half_open') this.probing = false;
    }
  }

  private onSuccess(): void {
    this.failures = 0;
    this.transition('closed');
  }

  private onFailure(): void {
    this.failures += 1;
    if (this.current === 'half_open' || this.failures >= this.options.failureThreshold) {
      this.openedAt = this.now();
      this.transition('open');
    }
  }

  private transition(next: BreakerState): void {
    if (this.current === next) return;
    this.current = next;
    this.onStateChange?.(this.downstream, next);
  }
}
