import { DomainError, ErrorCode } from '#contracts';
import { isCancelled } from '../cancellation.js';

export interface CircuitBreakerOptions {
  failureThreshold: number;
  resetTimeoutMs: number;
  now?: () => number;
}

export type CircuitState = 'closed' | 'open' | 'half-open';

// One breaker per upstream: after `failureThreshold` consecutive failures it rejects calls for
// `resetTimeoutMs`, then lets a single trial call through; its outcome closes or reopens it.
export class CircuitBreaker {
  private failures = 0;
  private openedAt = 0;
  private trialInFlight = false;
  private stateValue: CircuitState = 'closed';
  private readonly now: () => number;

  constructor(
    readonly name: string,
    private readonly opts: CircuitBreakerOptions,
  ) {
    this.now = opts.now ?? Date.now;
  }

  get state(): CircuitState {
    if (this.stateValue === 'open' && this.now() - this.openedAt >= this.opts.resetTimeoutMs) this.stateValue = 'half-open';
    return this.stateValue;
  }

  async run<T>(fn: () => Promise<T>): Promise<T> {
    const state = this.state;
    if (state === 'open' || (state === 'half-open' && this.trialInFlight)) {
      throw new DomainError(ErrorCode.SERVICE_UNAVAILABLE, `upstream ${this.name} is unavailable (circuit open)`, {
        upstream: this.name,
        retryAfterMs: Math.max(0, this.opts.resetTimeoutMs - (this.now() - this.openedAt)),
      });
    }
    const trial = state === 'half-open';
    if (trial) this.trialInFlight = true;
    try {
      const result = await fn();
      this.failures = 0;
      this.stateValue = 'closed';
      return result;
    } catch (err) {
      if (countsAsFailure(err)) this.recordFailure(trial);
      throw err;
    } finally {
      if (trial) this.trialInFlight = false;
    }
  }

  private recordFailure(trial: boolean) {
    this.failures++;
    if (trial || this.failures >= this.opts.failureThreshold) {
      this.stateValue = 'open';
      this.openedAt = this.now();
    }
  }
}

// A caller's own cancellation or a validation error says nothing about the upstream's health.
function countsAsFailure(err: unknown): boolean {
  if (isCancelled(err)) return false;
  if (err instanceof DomainError) return err.code !== ErrorCode.VALIDATION_FAILED;
  return !(err instanceof Error && err.name === 'AbortError');
}
