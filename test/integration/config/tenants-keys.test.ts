import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import type {
  ApiKeyCreateReply,
  ApiKeyListReply,
  ApiKeyVerifyReply,
  TenantDeleteReply,
  TenantExportReply,
  TenantImportReply,
  TenantRecord,
} from '#contracts';
import type { ConfigClient } from '#config-client';
import { eventually, NatsTestClient, TestPlatform, type AppProcess } from '#testing';
import { fails, ok, startConfigClient } from './helpers.js';

async function tablesOf(platform: TestPlatform, schema: string): Promise<string[]> {
  const { rows } = await platform.database.query<{ table_name: string }>(
    `SELECT table_name FROM information_schema.tables WHERE table_schema = $1 ORDER BY table_name`,
    [schema],
  );
  return rows.map((r) => r.table_name);
}

describe('tenants and API keys on real Postgres and NATS', () => {
  let platform: TestPlatform;
  let nats: NatsTestClient;
  let app: AppProcess;
  let remote: { client: ConfigClient; close(): Promise<void> };

  before(async () => {
    platform = await TestPlatform.create();
    app = await platform.start('mcp-config', { POLICY_BOOTSTRAP_RETRY_MS: '200' });
    nats = await NatsTestClient.connect(platform.namespace.subjectPrefix);
    remote = await startConfigClient(platform.namespace.subjectPrefix);
  });
  after(async () => {
    await remote?.close();
    await nats?.close();
    await platform?.stop();
  });

  it('loading the seed routing.yaml onboards its two tenants with schemas and tables', async () => {
    const yaml = await readFile(new URL('../../../../apps/mcp-config/seed/tenant-routing-config.yaml', import.meta.url), 'utf8');
    const result = await ok<TenantImportReply>(nats, 'config.tenant.import', { yaml, actor: 'ops' });
    assert.deepEqual(
      result.created.map((t) => [t.id, t.name, t.schema, t.limits.requests_per_minute, t.status]),
      [
        ['tenant-123', 'Acme Corp', 'tenant_123', 1000, 'active'],
        ['tenant-456', 'Beta Inc', 'tenant_456', 500, 'active'],
      ],
    );
    assert.deepEqual(result.created[0]!.features, ['ml_inference', 'advanced_analytics']);
    for (const schema of ['tenant_123', 'tenant_456']) {
      assert.deepEqual(await tablesOf(platform, schema), ['context_events', 'contexts', 'schema_migrations', 'settings']);
    }
    const again = await ok<TenantImportReply>(nats, 'config.tenant.import', { yaml, actor: 'ops' });
    assert.deepEqual([again.created.length, again.existing.sort()], [0, ['tenant-123', 'tenant-456']]);
    await eventually(() => remote.client.tenant('tenant-456')?.limits.concurrent_contexts === 50, 1_000);
  });

  it('records the policy bootstrap as pending and keeps retrying while mcp-policy-proxy does not answer it', async () => {
    const tenant = await ok<TenantRecord>(nats, 'config.tenant.get', { tenantId: 'tenant-123' });
    assert.equal(tenant.policyBootstrap, 'pending');
    const attempts = async () =>
      (
        await platform.database.query<{ n: number; e: string }>(
          `SELECT policy_bootstrap_attempts AS n, policy_bootstrap_error AS e FROM config.tenants WHERE id = 'tenant-123'`,
        )
      ).rows[0]!;
    const before = (await attempts()).n;
    await eventually(async () => (await attempts()).n >= before + 2, 5_000);
    assert.match((await attempts()).e, /SERVICE_UNAVAILABLE|UPSTREAM_TIMEOUT/);
  });

  it('once mcp-policy-proxy runs, pending bootstraps complete and new tenants get their policies', async () => {
    await platform.start('mcp-policy-proxy');
    await eventually(
      async () => (await ok<TenantRecord>(nats, 'config.tenant.get', { tenantId: 'tenant-123' })).policyBootstrap === 'done',
      30_000,
      100,
    );
    await eventually(() => remote.client.tenant('tenant-456')?.policyBootstrap === 'done', 30_000, 100);
    const fresh = await ok<TenantRecord>(nats, 'config.tenant.onboard', {
      tenantId: 'gamma',
      name: 'Gamma',
      tier: 'premium',
      actor: 'ops',
    });
    assert.equal(fresh.schema, 'tenant_gamma');
    // Installed at onboarding, or (on a machine slow enough to hit the 3 s request timeout) by the retry.
    await eventually(() => remote.client.tenant('gamma')?.policyBootstrap === 'done', 30_000, 100);
  });

  it('refuses invalid ids and schemas before touching the database', async () => {
    for (const tenantId of ['Tenant_1', 'a;drop schema public', '-x']) {
      assert.equal((await fails(nats, 'config.tenant.onboard', { tenantId, name: 'x', actor: 'ops' })).code, 'TENANT_INVALID');
    }
    const mismatch = await fails(nats, 'config.tenant.onboard', { tenantId: 'tenant-789', name: 'x', schema: 'tenant_999', actor: 'ops' });
    assert.equal(mismatch.code, 'VALIDATION_FAILED');
    assert.equal((await fails(nats, 'config.tenant.onboard', { tenantId: 'tenant-123', name: 'dup', actor: 'ops' })).code, 'CONFLICT');
    const { rows } = await platform.database.query(`SELECT nspname FROM pg_namespace WHERE nspname LIKE 'tenant_%' ORDER BY 1`);
    assert.deepEqual(
      rows.map((r) => r['nspname']),
      ['tenant_123', 'tenant_456', 'tenant_gamma'],
    );
  });

  let key: ApiKeyCreateReply;

  it('issues an API key once, stores only its keyed hash and lists it without secrets', async () => {
    key = await ok<ApiKeyCreateReply>(nats, 'config.apikey.create', {
      tenantId: 'tenant-123',
      name: 'ci',
      roles: ['tools:call', 'viewer'],
      actor: 'ops',
    });
    assert.match(key.key, /^mcpk_[A-Za-z0-9]{8}_[A-Za-z0-9_-]{32}$/);
    const { rows } = await platform.database.query(`SELECT * FROM config.api_keys`);
    assert.equal(rows.length, 1);
    assert.ok(!JSON.stringify(rows).includes(key.key.slice(`mcpk_${key.prefix}_`.length)));
    const listed = await ok<ApiKeyListReply>(nats, 'config.apikey.list', { tenantId: 'tenant-123' });
    assert.deepEqual(
      listed.keys.map((k) => [k.keyId, k.prefix, k.revokedAt]),
      [[key.keyId, key.prefix, null]],
    );
    assert.ok(!JSON.stringify(listed).includes(key.key));
    const verified = await ok<ApiKeyVerifyReply>(nats, 'config.apikey.verify', { key: key.key });
    assert.deepEqual([verified.tenantId, verified.roles, verified.tenantStatus], ['tenant-123', ['tools:call', 'viewer'], 'active']);
    for (const bad of [key.key.slice(0, -1) + (key.key.endsWith('A') ? 'B' : 'A'), 'mcpk_nope', '']) {
      const error = await fails(nats, 'config.apikey.verify', { key: bad });
      assert.ok(['UNAUTHENTICATED', 'VALIDATION_FAILED'].includes(error.code), error.code);
    }
  });

  it('suspension reaches the client cache within 1 s and the key is refused for a suspended tenant', async () => {
    const sent = performance.now();
    await ok(nats, 'config.tenant.suspend', { tenantId: 'tenant-123', actor: 'ops', reason: 'unpaid' });
    await eventually(() => remote.client.tenant('tenant-123')?.status === 'suspended', 1_000, 2);
    console.log(`suspension propagation: ${(performance.now() - sent).toFixed(1)} ms`);
    assert.equal((await fails(nats, 'config.apikey.verify', { key: key.key })).code, 'TENANT_SUSPENDED');
    await ok(nats, 'config.tenant.resume', { tenantId: 'tenant-123', actor: 'ops' });
    await eventually(() => remote.client.tenant('tenant-123')?.status === 'active', 1_000, 2);
  });

  it('a revocation reaches the client within 1 s and the key stops verifying', async () => {
    const revoked: string[] = [];
    const off = remote.client.on('apikey.revoked', (e) => revoked.push(e.keyId));
    const sent = performance.now();
    await ok(nats, 'config.apikey.revoke', { tenantId: 'tenant-123', keyId: key.keyId, actor: 'ops' });
    await eventually(() => revoked.includes(key.keyId), 1_000, 2);
    console.log(`revocation propagation: ${(performance.now() - sent).toFixed(1)} ms`);
    off();
    assert.equal((await fails(nats, 'config.apikey.verify', { key: key.key })).code, 'UNAUTHENTICATED');
    assert.equal((await fails(nats, 'config.apikey.revoke', { tenantId: 'tenant-456', keyId: key.keyId, actor: 'ops' })).code, 'NOT_FOUND');
  });

  it('deletes a tenant; the schema is dropped only with confirmation after an export', async () => {
    await platform.database.query(`INSERT INTO tenant_456.contexts (id, user_id, data) VALUES (gen_random_uuid(), 'user-789', '{"a":1}')`);
    const second = await ok<ApiKeyCreateReply>(nats, 'config.apikey.create', {
      tenantId: 'tenant-456',
      name: 'bot',
      roles: ['viewer'],
      actor: 'ops',
    });
    assert.equal(
      (await fails(nats, 'config.tenant.delete', { tenantId: 'tenant-456', dropSchema: true, actor: 'ops' })).code,
      'VALIDATION_FAILED',
    );
    assert.equal(
      (await fails(nats, 'config.tenant.delete', { tenantId: 'tenant-456', dropSchema: true, confirm: 'tenant-456', actor: 'ops' })).code,
      'CONFLICT',
    );
    const exported = await ok<TenantExportReply>(nats, 'config.tenant.export', { tenantId: 'tenant-456', actor: 'ops' });
    assert.equal(exported.tables['contexts']!.length, 1);
    assert.equal(exported.apiKeys[0]!.keyId, second.keyId);
    assert.ok(!JSON.stringify(exported).includes(second.key));
    const deleted = await ok<TenantDeleteReply>(nats, 'config.tenant.delete', {
      tenantId: 'tenant-456',
      dropSchema: true,
      confirm: 'tenant-456',
      actor: 'ops',
    });
    assert.deepEqual([deleted.schemaDropped, deleted.tenant.status], [true, 'deleted']);
    assert.deepEqual(await tablesOf(platform, 'tenant_456'), []);
    assert.equal((await fails(nats, 'config.apikey.verify', { key: second.key })).code, 'UNAUTHENTICATED');
    await eventually(() => remote.client.tenant('tenant-456')?.status === 'deleted', 1_000);
    assert.doesNotMatch(app.output(), /mcpk_/);
  });
});
