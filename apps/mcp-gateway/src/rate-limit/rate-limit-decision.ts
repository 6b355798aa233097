/** One bucket's state after a check, in the units the RateLimit-* headers use. */
export interface BucketState {
  limit: number;
  remaining: number;
  msToFull: number;
  msToNextToken: number;
}

export interface RateLimitDecision {
  allowed: boolean;
  /** The bucket the caller should be told about: the one that refused, else the one closer to empty. */
  binding: BucketState;
  scope: 'tenant' | 'client';
}

export function decisionFromScript(reply: unknown): RateLimitDecision {
  if (!Array.isArray(reply) || reply.length !== 9) throw new Error('unexpected rate limit script reply');
  const n = reply.map(Number);
  const tenant: BucketState = { limit: n[1]!, remaining: n[2]!, msToFull: n[3]!, msToNextToken: n[4]! };
  const client: BucketState = { limit: n[5]!, remaining: n[6]!, msToFull: n[7]!, msToNextToken: n[8]! };
  const allowed = n[0] === 1;
  let scope: 'tenant' | 'client';
  if (!allowed) scope = tenant.msToNextToken > 0 ? 'tenant' : 'client';
  else scope = tenant.remaining / tenant.limit < client.remaining / client.limit ? 'tenant' : 'client';
  // When both refused, the caller must wait for the slower one.
  if (!allowed && tenant.msToNextToken > 0 && client.msToNextToken > tenant.msToNextToken) scope = 'client';
  return { allowed, binding: scope === 'tenant' ? tenant : client, scope };
}

/** RateLimit-* (IETF draft) plus Retry-After on refusal; all values are whole seconds. */
export function rateLimitHeaders(decision: RateLimitDecision): Record<string, string> {
  const b = decision.binding;
  const headers: Record<string, string> = {
    'ratelimit-limit': String(b.limit),
    'ratelimit-remaining': String(Math.max(0, b.remaining)),
    'ratelimit-reset': String(Math.ceil(b.msToFull / 1000)),
  };
  if (!decision.allowed) headers['retry-after'] = String(Math.max(1, Math.ceil(b.msToNextToken / 1000)));
  return headers;
}
