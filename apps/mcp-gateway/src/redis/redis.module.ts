import { Inject, Module, type OnApplicationShutdown } from '@nestjs/common';
import { Redis } from 'ioredis';
import { APP_ENV, type RedisEnv } from '#env';
import { ProbeRegistry } from '#observability';

const REDIS_BOOT_WAIT_MS = 5_000;

/**
 * The gateway's Redis connection (rate limits, MCP sessions). Commands fail fast while Redis is
 * down instead of queueing, so a request never hangs on it; the client reconnects by itself.
 */
@Module({
  providers: [
    {
      provide: Redis,
      inject: [APP_ENV, ProbeRegistry],
      useFactory: async (env: RedisEnv, probes: ProbeRegistry) => {
        const redis = new Redis(env.REDIS_URL, {
          keyPrefix: env.REDIS_KEY_PREFIX,
          enableOfflineQueue: false,
          maxRetriesPerRequest: 1,
          lazyConnect: false,
          retryStrategy: (attempt) => Math.min(attempt * 200, 2_000),
        });
        redis.on('error', () => undefined); // state is reported by the readiness probe
        probes.add({ name: 'redis', check: async () => void (await redis.ping()) });
        // Commands fail fast rather than queue, so the first requests must not race the first
        // connect. A Redis that is down at boot does not stop the gateway: it starts not-ready.
        await new Promise<void>((resolve) => {
          const timer = setTimeout(resolve, REDIS_BOOT_WAIT_MS);
          redis.once('ready', () => {
            clearTimeout(timer);
            resolve();
          });
        });
        return redis;
      },
    },
  ],
  exports: [Redis],
})
export class RedisModule implements OnApplicationShutdown {
  constructor(@Inject(Redis) private readonly redis: Redis) {}
  async onApplicationShutdown(): Promise<void> {
    await this.redis.quit().catch(() => this.redis.disconnect());
  }
}
