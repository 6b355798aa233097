import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { fileURLToPath } from 'node:url';
import type { FlagDefinition, TenantListReply } from '#contracts';
import { eventually, NatsTestClient, TcpProxy, TestPlatform } from '#testing';
import { ok, startConfigClient } from './helpers.js';

/**
 * An app whose NATS link dies misses events; when the link comes back it must catch up by
 * revision on its own. The app's link runs through a TCP proxy the test cuts, while mcp-config
 * and the test's own client keep talking to the real server.
 */
describe('#config-client resynchronizes after missing events', () => {
  let platform: TestPlatform;
  let nats: NatsTestClient;
  const proxy = new TcpProxy('127.0.0.1', 4222);

  before(async () => {
    platform = await TestPlatform.create();
    const routingFile = fileURLToPath(new URL('../../../../apps/mcp-config/seed/tenant-routing-config.yaml', import.meta.url));
    // Two replicas load the same routing file at start: the second finds the tenants there.
    await platform.start('mcp-config', { TENANT_ROUTING_FILE: routingFile });
    await platform.start('mcp-config', { TENANT_ROUTING_FILE: routingFile });
    nats = await NatsTestClient.connect(platform.namespace.subjectPrefix);
    await proxy.start();
  });
  after(async () => {
    await nats?.close();
    await platform?.stop();
    await proxy.stop();
  });

  it('onboarded the routing file given at start exactly once', async () => {
    const { tenants } = await ok<TenantListReply>(nats, 'config.tenant.list', {});
    assert.deepEqual(
      tenants.map((t) => [t.id, t.schema, t.version]),
      [
        ['tenant-123', 'tenant_123', 1],
        ['tenant-456', 'tenant_456', 1],
      ],
    );
  });

  it('catches up on reconnect with changes made during the outage', async () => {
    const flag = {
      key: 'search-v2',
      kind: 'boolean',
      variations: [false, true],
      offVariation: 0,
      enabled: true,
      rules: [],
      fallthrough: { variation: 1 },
    };
    await ok<FlagDefinition>(nats, 'config.flag.set', { flag, expectedVersion: 0, actor: 'dev' });
    const app = await startConfigClient(platform.namespace.subjectPrefix, `nats://127.0.0.1:${proxy.port}`);
    try {
      assert.equal(app.client.isEnabled('search-v2', { userId: 'u1' }), true);
      const resyncs: number[] = [];
      app.client.on('resynced', ({ revision }) => resyncs.push(revision));

      await proxy.stop();
      await ok(nats, 'config.flag.kill', { key: 'search-v2', killed: true, actor: 'oncall' });
      await ok(nats, 'config.tenant.onboard', { tenantId: 'late-tenant', name: 'Late', actor: 'ops' });
      await new Promise((r) => setTimeout(r, 300));
      assert.equal(app.client.isEnabled('search-v2', { userId: 'u1' }), true, 'the cut app cannot have seen the kill');

      await proxy.start(proxy.port);
      await eventually(() => app.client.isEnabled('search-v2', { userId: 'u1' }) === false, 5_000, 20);
      assert.equal(app.client.tenant('late-tenant')?.status, 'active');
      assert.ok(resyncs.length >= 1);
      const { revision } = await ok<{ revision: number }>(nats, 'config.sync.revision', {});
      assert.equal(app.client.revision, revision);
    } finally {
      await app.close();
    }
  });
});
