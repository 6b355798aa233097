import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import type { EntryGetReply, EntryHistoryReply, SecretRotateReply, TenantExportReply } from '#contracts';
import { NatsTestClient, TestPlatform, type AppProcess } from '#testing';
import { envSecretResolver, SecretRefError } from '#config-client';
import { fails, ok, startConfigClient } from './helpers.js';

const kek = () => randomBytes(32).toString('base64');

describe('secrets: references never leave, values encrypted at rest, KEK rotation', () => {
  let platform: TestPlatform;
  let nats: NatsTestClient;
  const oldKek = kek();
  const newKek = kek();
  const values = Array.from({ length: 5 }, (_, i) => `s3cret-value-${i}-${randomBytes(6).toString('hex')}`);
  const refs = ['vault://kv/data/payments#api-token', 'env://UPSTREAM_TOKEN', 'k8s://mcp-prod/upstream/token', 'config://smtp-password'];
  const outputs: string[] = [];
  const replies: string[] = [];
  let app: AppProcess;
  let events: { messages: unknown[]; stop(): void };

  before(async () => {
    platform = await TestPlatform.create();
    app = await platform.start('mcp-config', { CONFIG_KEK: oldKek, LOG_LEVEL: 'debug' });
    nats = await NatsTestClient.connect(platform.namespace.subjectPrefix);
    events = nats.collect('events.config.>');
  });
  after(async () => {
    await nats?.close();
    await platform?.stop();
  });

  /** Every reply is kept so the last test can search them all for leaks. */
  async function call<T>(subject: string, payload: unknown): Promise<T> {
    const data = await ok<T>(nats, subject, payload);
    replies.push(JSON.stringify(data));
    return data;
  }

  it('stores values encrypted and hides secret references in every read', async () => {
    await call('config.tenant.onboard', { tenantId: 'acme', name: 'Acme', actor: 'ops' });
    await call('config.secret.put', { name: 'smtp-password', value: values[0], actor: 'ops' });
    for (let i = 1; i < values.length; i++)
      await call('config.secret.put', { name: `db-${i}`, tenantId: 'acme', value: values[i], actor: 'ops' });
    const { rows } = await platform.database.query(`SELECT * FROM config.secrets`);
    assert.equal(rows.length, values.length);
    for (const v of values) assert.ok(!JSON.stringify(rows).includes(v));

    const value = { host: 'smtp.example', credentials: refs.map((ref) => ({ $secret: ref })) };
    const scope = { key: 'mail.smtp', environment: 'prod', tenantId: 'acme' };
    const written = await call<EntryGetReply>('config.entry.set', { ...scope, value, expectedVersion: 0, actor: 'ops' });
    await call('config.entry.set', {
      ...scope,
      value: { ...value, credentials: [{ $secret: 'vault://kv/data/other#x' }] },
      expectedVersion: 1,
      actor: 'ops',
    });
    const read = await call<EntryGetReply>('config.entry.get', { ...scope, version: 1 });
    assert.deepEqual(read.value, written.value);
    assert.deepEqual(
      (read.value as { credentials: unknown[] }).credentials,
      refs.map(() => ({ $secret: '[redacted]' })),
    );
    await call<EntryHistoryReply>('config.entry.history', scope);
    await call<TenantExportReply>('config.tenant.export', { tenantId: 'acme', actor: 'ops' });
    const malformed = await fails(nats, 'config.entry.set', {
      ...scope,
      value: { $secret: 'http://leak' },
      expectedVersion: 2,
      actor: 'ops',
    });
    assert.equal(malformed.code, 'VALIDATION_FAILED');
    replies.push(JSON.stringify(malformed));
  });

  it('resolves config:// secrets for the apps that need them', async () => {
    assert.equal((await ok<{ value: string }>(nats, 'config.secret.resolve', { name: 'smtp-password' })).value, values[0]);
    assert.equal((await fails(nats, 'config.secret.resolve', { name: 'db-1' })).code, 'NOT_FOUND');
    const unknownTenant = await fails(nats, 'config.secret.put', { name: 'x', tenantId: 'nobody', value: 'v', actor: 'ops' });
    assert.equal(unknownTenant.code, 'TENANT_UNKNOWN');
  });

  it('the consuming app gets config:// from mcp-config and env:// from its own environment', async () => {
    await call('config.entry.set', {
      key: 'mail.relay',
      environment: '*',
      value: { user: 'relay', password: { $secret: 'config://smtp-password' }, token: { $secret: 'env://RELAY_TOKEN' } },
      expectedVersion: 0,
      actor: 'ops',
    });
    const consumer = await startConfigClient(platform.namespace.subjectPrefix);
    try {
      const resolved = await consumer.client.resolveEntry(
        { key: 'mail.relay', environment: 'prod' },
        { env: envSecretResolver({ RELAY_TOKEN: 'tok-123' }) },
      );
      assert.deepEqual(resolved, { user: 'relay', password: values[0], token: 'tok-123' });
      await assert.rejects(consumer.client.resolveEntry({ key: 'mail.relay', environment: 'prod' }), SecretRefError);
      // A tenant entry reaches only its own tenant's secrets: global smtp-password is not in acme's scope.
      await call('config.entry.set', {
        key: 'mail.relay',
        environment: 'prod',
        tenantId: 'acme',
        value: { $secret: 'config://smtp-password' },
        expectedVersion: 0,
        actor: 'ops',
      });
      await assert.rejects(
        consumer.client.resolveEntry({ key: 'mail.relay', environment: 'prod', tenantId: 'acme' }),
        /No secret smtp-password/,
      );
      const acmeOwn = { $secret: 'config://db-1' };
      await call('config.entry.set', {
        key: 'mail.relay',
        environment: 'prod',
        tenantId: 'acme',
        value: acmeOwn,
        expectedVersion: 1,
        actor: 'ops',
      });
      assert.equal(await consumer.client.resolveEntry({ key: 'mail.relay', environment: 'prod', tenantId: 'acme' }), values[1]);
    } finally {
      await consumer.close();
    }
  });

  it('after rotating the KEK every secret is still readable, also once the old KEK is gone', async () => {
    outputs.push(app.output());
    assert.equal(await app.stop(), 0);
    app = await platform.start('mcp-config', { CONFIG_KEK: newKek, CONFIG_KEK_PREVIOUS: oldKek });
    const rotation = await ok<SecretRotateReply>(nats, 'config.secret.rotate', { actor: 'ops' });
    assert.deepEqual([rotation.rewrapped, rotation.remaining], [values.length, 0]);
    const before = (await platform.database.query(`SELECT DISTINCT kek_id FROM config.secrets`)).rows;
    assert.deepEqual(
      before.map((r) => r['kek_id']),
      [rotation.kekId],
    );

    outputs.push(app.output());
    await app.stop();
    app = await platform.start('mcp-config', { CONFIG_KEK: newKek });
    assert.equal((await ok<{ value: string }>(nats, 'config.secret.resolve', { name: 'smtp-password' })).value, values[0]);
    for (let i = 1; i < values.length; i++) {
      assert.equal((await ok<{ value: string }>(nats, 'config.secret.resolve', { name: `db-${i}`, tenantId: 'acme' })).value, values[i]);
    }
  });

  it('without the KEK that wrapped them, secrets are refused with a typed error, not garbage', async () => {
    outputs.push(app.output());
    await app.stop();
    app = await platform.start('mcp-config', { CONFIG_KEK: kek() });
    const error = await fails(nats, 'config.secret.resolve', { name: 'smtp-password' });
    assert.equal(error.code, 'INTERNAL');
    assert.ok(!JSON.stringify(error).includes(values[0]!));
  });

  it('no secret value or reference appears in any reply, event or log line', async () => {
    outputs.push(app.output());
    events.stop();
    const cloudEvents = events.messages as Array<{ specversion: string; type: string; source: string; data: { revision: number } }>;
    assert.ok(cloudEvents.length >= values.length + 4);
    for (const e of cloudEvents)
      assert.deepEqual([e.specversion, e.source, e.type.startsWith('com.mcp.config.')], ['1.0', 'mcp-config', true]);
    const revisions = cloudEvents.map((e) => e.data.revision);
    assert.deepEqual(
      revisions,
      [...revisions].sort((a, b) => a - b),
      'events arrive in revision order',
    );
    const everything = [...replies, ...outputs, JSON.stringify(cloudEvents)].join('\n');
    assert.ok(outputs.join('').includes('"msg":"secret stored"'), 'the logs were captured');
    for (const v of values) assert.ok(!everything.includes(v), 'secret value leaked');
    for (const ref of [...refs, 'vault://kv/data/other']) assert.ok(!everything.includes(ref), `reference ${ref} leaked`);
    for (const k of [oldKek, newKek]) assert.ok(!everything.includes(k), 'KEK leaked');
  });
});
