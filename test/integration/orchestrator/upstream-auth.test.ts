import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { NatsTestClient, TestPlatform } from '#testing';
import type { ServerInfo, ToolCallReply } from '#contracts';
import { startCounter, type Upstream } from '../../support/upstreams.js';
import { as, fails, ok } from './helpers.js';

describe('orchestrator presents upstream credentials resolved from mcp-config secrets', () => {
  let platform: TestPlatform;
  let nats: NatsTestClient;
  let guarded: Upstream;
  const token = 'upstream-token-6f1c2a';

  before(async () => {
    guarded = await startCounter(0, token);
    platform = await TestPlatform.create();
    await platform.startAll(['mcp-config', 'mcp-orchestrator-api'], { 'mcp-orchestrator-api': { REGISTRY_REFRESH_INTERVAL_MS: '0' } });
    nats = await NatsTestClient.connect(platform.namespace.subjectPrefix);
    // mcp-config keeps secrets only for tenants it knows.
    await ok(nats, 'config.tenant.onboard', { tenantId: 'acme', name: 'Acme', actor: 'test' });
  });

  after(async () => {
    await nats?.close();
    await platform?.stop();
    await guarded?.stop();
  });

  it('registers and calls a server that requires a bearer token, without ever returning or logging it', async () => {
    const refused = await fails(nats, 'orchestrator.server.register', { ...as('acme'), server: 'guarded', url: guarded.url });
    assert.equal(refused.code, 'SERVICE_UNAVAILABLE');

    await ok(nats, 'config.secret.put', { name: 'guarded-token', tenantId: 'acme', value: token, actor: 'test' });
    const info = await ok<ServerInfo>(nats, 'orchestrator.server.register', {
      ...as('acme'),
      server: 'guarded',
      url: guarded.url,
      auth: { secret: 'guarded-token' },
    });
    assert.deepEqual(info.auth, { secret: 'guarded-token', header: 'authorization', scheme: 'Bearer' });
    assert.ok(info.tools.some((t) => t.name === 'add'));
    const sum = await ok<ToolCallReply>(nats, 'orchestrator.tool.call', {
      ...as('acme'),
      server: 'guarded',
      tool: 'add',
      arguments: { a: 2, b: 2 },
    });
    assert.deepEqual(sum.result.structuredContent, { sum: 4 });

    // Another tenant naming the same secret gets nothing: secrets are resolved in the server's own tenant.
    const foreign = await fails(nats, 'orchestrator.server.register', {
      ...as('globex'),
      server: 'guarded',
      url: guarded.url,
      auth: { secret: 'guarded-token' },
    });
    assert.equal(foreign.code, 'NOT_FOUND');
    const listed = await ok<{ items: ServerInfo[] }>(nats, 'orchestrator.server.list', as('acme'));
    assert.ok(!JSON.stringify(listed).includes(token));
    assert.ok(!platform.app('mcp-orchestrator-api').output().includes(token), 'token must not appear in logs');
  });
});
