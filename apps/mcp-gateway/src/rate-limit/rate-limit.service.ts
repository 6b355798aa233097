import { Inject, Injectable } from '@nestjs/common';
import { Redis } from 'ioredis';
import { Counter } from 'prom-client';
import { DomainError, ErrorCode } from '#contracts';
import { APP_ENV } from '#env';
import type { GatewayEnv } from '../env.js';
import { rateLimitHeaders, type RateLimitDecision } from './rate-limit-decision.js';
import { RedisRateLimiter } from './redis-rate-limiter.js';

const limited = new Counter({ name: 'gateway_rate_limited_total', help: 'Requests refused with 429', labelNames: ['scope'] });
const unavailable = new Counter({
  name: 'gateway_rate_limit_unavailable_total',
  help: 'Rate limit checks that could not reach Redis, by the configured outcome',
  labelNames: ['outcome'],
});

/**
 * Admits or refuses one request against the tenant's and the client's buckets. Returns the headers
 * to send either way; throws RATE_LIMITED (429) over the limit, and SERVICE_UNAVAILABLE when Redis
 * cannot be asked and the gateway is configured to fail closed.
 */
@Injectable()
export class RateLimitService {
  private readonly limiter: RedisRateLimiter;

  constructor(
    @Inject(Redis) redis: Redis,
    @Inject(APP_ENV) private readonly env: GatewayEnv,
  ) {
    // Keys get the connection's REDIS_KEY_PREFIX from ioredis itself.
    this.limiter = new RedisRateLimiter(redis, '');
  }

  async admit(tenantId: string, clientId: string, tenantLimit: number | undefined): Promise<Record<string, string>> {
    let decision: RateLimitDecision;
    try {
      decision = await this.limiter.check(
        tenantId,
        clientId,
        tenantLimit ?? this.env.RATE_LIMIT_TENANT_PER_MIN,
        this.env.RATE_LIMIT_CLIENT_PER_MIN,
      );
    } catch {
      if (this.env.RATE_LIMIT_FAIL_MODE === 'open') {
        unavailable.inc({ outcome: 'admitted' });
        return {};
      }
      unavailable.inc({ outcome: 'refused' });
      throw new DomainError(ErrorCode.SERVICE_UNAVAILABLE, 'Rate limiting is unavailable', { retryAfterSeconds: 1 });
    }
    const headers = rateLimitHeaders(decision);
    if (!decision.allowed) {
      limited.inc({ scope: decision.scope });
      throw new RateLimitExceeded(headers, decision);
    }
    return headers;
  }
}

/** 429 that still carries the RateLimit-* headers the caller must see. */
export class RateLimitExceeded extends DomainError {
  constructor(
    readonly headers: Record<string, string>,
    decision: RateLimitDecision,
  ) {
    super(ErrorCode.RATE_LIMITED, 'Rate limit exceeded', {
      scope: decision.scope,
      retryAfterSeconds: Number(headers['retry-after']),
    });
  }
}
