import type { Redis } from 'ioredis';
import { TOKEN_BUCKET_LUA } from './token-bucket.lua.js';
import { decisionFromScript, type RateLimitDecision } from './rate-limit-decision.js';

type WithBucketCommand = Redis & {
  gatewayTokenBucket(tenantKey: string, clientKey: string, tenantLimit: number, clientLimit: number): Promise<unknown>;
};

/** Token buckets per tenant and per client in Redis, shared by every gateway replica. */
export class RedisRateLimiter {
  private readonly redis: WithBucketCommand;

  constructor(
    redis: Redis,
    private readonly keyPrefix: string,
  ) {
    // defineCommand sends EVALSHA and falls back to EVAL once after a script cache flush.
    redis.defineCommand('gatewayTokenBucket', { numberOfKeys: 2, lua: TOKEN_BUCKET_LUA });
    this.redis = redis as WithBucketCommand;
  }

  async check(tenantId: string, clientId: string, tenantLimit: number, clientLimit: number): Promise<RateLimitDecision> {
    const reply = await this.redis.gatewayTokenBucket(
      `${this.keyPrefix}rl:t:${tenantId}`,
      `${this.keyPrefix}rl:c:${tenantId}:${clientId}`,
      tenantLimit,
      clientLimit,
    );
    return decisionFromScript(reply);
  }
}
