import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { eventually, TcpProxy, TestPlatform, type AppProcess } from '#testing';

async function readiness(app: AppProcess): Promise<{ status: number; body: { error?: Record<string, { status: string }> } }> {
  const res = await fetch(`${app.url}/health/ready`);
  return { status: res.status, body: (await res.json()) as { error?: Record<string, { status: string }> } };
}

/**
 * Each dependency is reached through a TCP proxy the test can cut, so the shared servers stay up
 * for everyone else while this app sees its dependency die and come back.
 */
describe('readiness follows dependency outages and recovers by itself', () => {
  let platform: TestPlatform;
  const proxies = {
    postgres: new TcpProxy('127.0.0.1', 5432),
    redis: new TcpProxy('127.0.0.1', 6379),
    nats: new TcpProxy('127.0.0.1', 4222),
  };
  let config: AppProcess;
  let gateway: AppProcess;

  before(async () => {
    platform = await TestPlatform.create();
    await Promise.all(Object.values(proxies).map((p) => p.start()));
    const dbUrl = new URL(platform.database.url);
    dbUrl.port = String(proxies.postgres.port);
    const natsUrl = `nats://127.0.0.1:${proxies.nats.port}`;
    config = await platform.start('mcp-config', { DATABASE_URL: dbUrl.toString(), NATS_URL: natsUrl });
    gateway = await platform.start('mcp-gateway', { REDIS_URL: `redis://127.0.0.1:${proxies.redis.port}`, NATS_URL: natsUrl });
  });
  after(async () => {
    await platform?.stop();
    await Promise.all(Object.values(proxies).map((p) => p.stop()));
  });

  for (const [dependency, appName] of [
    ['postgres', 'config'],
    ['redis', 'gateway'],
    ['nats', 'config'],
  ] as const) {
    it(`${dependency} down → 503 naming it; back → 200`, async () => {
      const app = appName === 'config' ? config : gateway;
      assert.equal((await readiness(app)).status, 200);
      await proxies[dependency].stop();
      const down = await eventually(async () => {
        const r = await readiness(app);
        return r.status === 503 && r.body.error?.[dependency]?.status === 'down' ? r : undefined;
      }, 10_000);
      assert.equal(down.body.error?.[dependency]?.status, 'down');
      await proxies[dependency].start();
      await eventually(async () => (await readiness(app)).status === 200, 15_000, 200);
    });
  }
});
