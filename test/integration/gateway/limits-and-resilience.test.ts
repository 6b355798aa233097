import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { eventually, NatsTestClient, TcpProxy, TestPlatform, type AppProcess } from '#testing';
import { auth, devToken, gatewayEnv, onboard, TestIdentityProvider } from './support.js';

describe('gateway rate limits and downstream resilience on the real infrastructure', () => {
  let platform: TestPlatform;
  let nats: NatsTestClient;
  const idp = new TestIdentityProvider();
  const redisProxy = new TcpProxy('127.0.0.1', 6379);
  let a: AppProcess;
  let b: AppProcess;
  let failClosed: AppProcess;
  let failOpen: AppProcess;

  before(async () => {
    await idp.start();
    await redisProxy.start();
    platform = await TestPlatform.create();
    await platform.startAll(['mcp-config', 'mcp-policy-proxy', 'mcp-orchestrator-api']);
    nats = await NatsTestClient.connect(platform.namespace.subjectPrefix);
    await onboard(nats, 'acme');
    await onboard(nats, 'small', [], 20);
    const env = gatewayEnv(idp, { BREAKER_OPEN_MS: '1500', DOWNSTREAM_TIMEOUT_MS: '1000' });
    a = await platform.start('mcp-gateway', env);
    b = await platform.start('mcp-gateway', env);
    const viaProxy = { ...env, REDIS_URL: `redis://127.0.0.1:${redisProxy.port}` };
    failClosed = await platform.start('mcp-gateway', { ...viaProxy, RATE_LIMIT_FAIL_MODE: 'closed' });
    failOpen = await platform.start('mcp-gateway', { ...viaProxy, RATE_LIMIT_FAIL_MODE: 'open' });
  });
  after(async () => {
    await nats?.close();
    await platform?.stop();
    await redisProxy.stop();
    await idp.stop();
  });

  const ping = (gw: AppProcess, token: string, tenant = 'acme') => fetch(`${gw.url}/v1/ping`, { headers: auth(token, tenant) });

  it('refuses the 61st request of a client in a minute with 429 and RateLimit headers', async () => {
    const token = devToken('one-replica', ['acme'], ['admin']);
    const statuses: number[] = [];
    let last!: Response;
    for (let i = 0; i < 61; i++) {
      last = await ping(a, token);
      statuses.push(last.status);
      if (i === 0) {
        assert.equal(last.headers.get('ratelimit-limit'), '60');
        assert.equal(last.headers.get('ratelimit-remaining'), '59');
      }
    }
    assert.deepEqual(statuses.slice(0, 60), Array(60).fill(200));
    assert.equal(last.status, 429);
    assert.equal(((await last.json()) as { error: { code: string } }).error.code, 'RATE_LIMITED');
    assert.ok(Number(last.headers.get('retry-after')) >= 1);
    assert.equal(last.headers.get('ratelimit-limit'), '60');
    assert.equal(last.headers.get('ratelimit-remaining'), '0');
    assert.ok(Number(last.headers.get('ratelimit-reset')) > 0);
    // Another client of the same tenant still has its own bucket; health and metrics are never limited.
    assert.equal((await ping(a, devToken('someone-else', ['acme'], ['admin']))).status, 200);
    for (let i = 0; i < 5; i++) assert.equal((await fetch(`${a.url}/health/live`)).status, 200);
  });

  it('holds the limit across two gateway replicas', async () => {
    const token = devToken('two-replicas', ['acme'], ['admin']);
    const statuses: number[] = [];
    for (let i = 0; i < 61; i++) statuses.push((await ping(i % 2 === 0 ? a : b, token)).status);
    assert.deepEqual(statuses.slice(0, 60), Array(60).fill(200));
    assert.equal(statuses[60], 429);
    assert.equal((await ping(b, token)).status, 429);
  });

  it('applies the tenant limit from its config across clients', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 21; i++) statuses.push((await ping(i % 2 ? a : b, devToken(`client-${i}`, ['small'], ['admin']), 'small')).status);
    assert.deepEqual(statuses.slice(0, 20), Array(20).fill(200));
    assert.equal(statuses[20], 429);
  });

  it('fails closed (503) or open (200) when Redis is unreachable, as configured', async () => {
    const token = devToken('redis-outage', ['acme'], ['admin']);
    assert.equal((await ping(failClosed, token)).status, 200);
    await redisProxy.stop();
    try {
      const closed = await eventually(async () => {
        const r = await ping(failClosed, token);
        return r.status === 503 ? r : undefined;
      }, 5_000);
      assert.equal(((await closed.json()) as { error: { code: string } }).error.code, 'SERVICE_UNAVAILABLE');
      assert.equal((await ping(failOpen, token)).status, 200);
    } finally {
      await redisProxy.start();
    }
    await eventually(async () => (await ping(failClosed, token)).status === 200, 10_000, 200);
  });

  it('answers 503 at once for a stopped downstream, opens the breaker after 5 failures and recovers', async () => {
    const token = devToken('ops', [], ['platform-admin']);
    const status = () => fetch(`${a.url}/v1/status/mcp-tracehub`, { headers: auth(token) });
    let tracehub = await platform.start('mcp-tracehub');
    assert.equal((await status()).status, 200);
    await tracehub.stop();
    for (let i = 0; i < 5; i++) {
      const started = Date.now();
      const res = await status();
      assert.equal(res.status, 503);
      assert.ok(Date.now() - started < 1_500, 'within the per-call timeout');
    }
    // Open: refused without asking NATS, with the time to the next probe.
    const open = await status();
    assert.equal(open.status, 503);
    const body = (await open.json()) as { error: { code: string; details: { downstream: string } } };
    assert.equal(body.error.details.downstream, 'mcp-tracehub');
    assert.ok(Number(open.headers.get('retry-after')) >= 1);
    const metrics = await (await fetch(`${a.url}/metrics`)).text();
    assert.match(metrics, /gateway_breaker_state\{downstream="mcp-tracehub"\} 2/);
    tracehub = await platform.start('mcp-tracehub');
    await eventually(async () => (await status()).status === 200, 5_000, 100);
    assert.match(await (await fetch(`${a.url}/metrics`)).text(), /gateway_breaker_state\{downstream="mcp-tracehub"\} 0/);
  });
});
