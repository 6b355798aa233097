export interface RetryPolicy {
  maxAttempts: number;
  initialDelayMs: number;
  maxDelayMs: number;
  multiplier: number;
}

export const DEFAULT_RETRY: RetryPolicy = { maxAttempts: 1, initialDelayMs: 500, maxDelayMs: 30_000, multiplier: 2 };

// Delay before attempt `nextAttempt` (2 = first retry). "Equal jitter": half the exponential delay is
// kept so retries never bunch at zero, the other half is random so many failing runs spread out.
export function retryDelayMs(policy: RetryPolicy, nextAttempt: number, random: () => number = Math.random): number {
  const exp = Math.min(policy.maxDelayMs, policy.initialDelayMs * policy.multiplier ** Math.max(0, nextAttempt - 2));
  return Math.round(exp / 2 + random() * (exp / 2));
}
