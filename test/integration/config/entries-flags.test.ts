import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { EntryGetReply, EntryHistoryReply, EntryView, FlagDefinition } from '#contracts';
import type { ConfigClient } from '#config-client';
import { NatsTestClient, TestPlatform, type AppProcess } from '#testing';
import { fails, ok, startConfigClient } from './helpers.js';

describe('config entries and feature flags on real Postgres and NATS', () => {
  let platform: TestPlatform;
  let nats: NatsTestClient;
  let first: AppProcess;
  let second: AppProcess;
  let remote: { client: ConfigClient; close(): Promise<void> };

  before(async () => {
    platform = await TestPlatform.create();
    first = await platform.start('mcp-config');
    second = await platform.start('mcp-config');
    nats = await NatsTestClient.connect(platform.namespace.subjectPrefix);
    remote = await startConfigClient(platform.namespace.subjectPrefix);
  });
  after(async () => {
    await remote?.close();
    await nats?.close();
    await platform?.stop();
  });

  const scope = { key: 'gateway.upstream', environment: 'prod' };
  const schema = {
    type: 'object',
    properties: { timeoutMs: { type: 'integer', minimum: 1 }, retries: { type: 'integer', maximum: 5 } },
    required: ['timeoutMs'],
    additionalProperties: false,
  };

  it('refuses a schema-invalid write with the failing paths', async () => {
    await ok(nats, 'config.schema.set', { key: scope.key, schema, actor: 'alice' });
    const error = await fails(nats, 'config.entry.set', {
      ...scope,
      value: { timeoutMs: 0, retries: 9, extra: true },
      expectedVersion: 0,
      actor: 'alice',
    });
    assert.equal(error.code, 'VALIDATION_FAILED');
    const paths = (error.details!['violations'] as Array<{ path: string }>).map((v) => v.path).sort();
    assert.deepEqual(paths, ['/extra', '/retries', '/timeoutMs']);
    await fails(nats, 'config.entry.get', { ...scope, exact: true }).then((e) => assert.equal(e.code, 'NOT_FOUND'));
  });

  it('versions every write; a stale write is a 409 VERSION_CONFLICT; rollback restores the exact value', async () => {
    const v1Value = { timeoutMs: 1500, retries: 2 };
    const v1 = await ok<EntryView>(nats, 'config.entry.set', {
      ...scope,
      value: v1Value,
      expectedVersion: 0,
      actor: 'alice',
      reason: 'initial',
    });
    assert.equal(v1.version, 1);
    const v2 = await ok<EntryView>(nats, 'config.entry.set', { ...scope, value: { timeoutMs: 3000 }, expectedVersion: 1, actor: 'bob' });
    assert.equal(v2.version, 2);

    const stale = await fails(nats, 'config.entry.set', { ...scope, value: { timeoutMs: 10 }, expectedVersion: 1, actor: 'carol' });
    assert.equal(stale.code, 'VERSION_CONFLICT');
    assert.equal(stale.details!['currentVersion'], 2);

    // Both replicas race on the same expected version: exactly one wins.
    const race = await Promise.all(
      [1, 2, 3, 4].map((i) =>
        nats.request('config.entry.set', { ...scope, value: { timeoutMs: 100 * i }, expectedVersion: 2, actor: `racer${i}` }),
      ),
    );
    assert.equal(race.filter((r) => 'data' in r).length, 1);
    assert.ok(race.filter((r) => 'error' in r).every((r) => 'error' in r && r.error.code === 'VERSION_CONFLICT'));

    const rolledBack = await ok<EntryView>(nats, 'config.entry.rollback', { ...scope, toVersion: 1, expectedVersion: 3, actor: 'alice' });
    assert.equal(rolledBack.version, 4);
    assert.deepEqual(rolledBack.value, v1Value);
    assert.deepEqual((await ok<EntryGetReply>(nats, 'config.entry.get', scope)).value, v1Value);
    assert.deepEqual((await ok<EntryGetReply>(nats, 'config.entry.get', { ...scope, version: 2 })).value, { timeoutMs: 3000 });

    const history = await ok<EntryHistoryReply>(nats, 'config.entry.history', scope);
    assert.deepEqual(
      history.versions.map((v) => [v.version, v.operation]),
      [
        [4, 'rollback'],
        [3, 'set'],
        [2, 'set'],
        [1, 'set'],
      ],
    );
    assert.deepEqual(history.versions[2]!.diff, [
      { op: 'remove', path: '/retries' },
      { op: 'replace', path: '/timeoutMs', value: 3000 },
    ]);
    assert.equal(history.versions[3]!.actor, 'alice');
    assert.equal(history.versions[3]!.reason, 'initial');
  });

  it('resolves tenant over environment over default', async () => {
    await ok(nats, 'config.tenant.onboard', { tenantId: 'acme', name: 'Acme', actor: 'ops' });
    await ok(nats, 'config.entry.set', { key: 'ui.theme', environment: '*', value: 'light', expectedVersion: 0, actor: 'a' });
    assert.equal(
      (await ok<EntryGetReply>(nats, 'config.entry.get', { key: 'ui.theme', environment: 'prod', tenantId: 'acme' })).resolvedFrom,
      'default',
    );
    await ok(nats, 'config.entry.set', { key: 'ui.theme', environment: 'prod', value: 'dark', expectedVersion: 0, actor: 'a' });
    await ok(nats, 'config.entry.set', {
      key: 'ui.theme',
      environment: 'prod',
      tenantId: 'acme',
      value: 'acme-red',
      expectedVersion: 0,
      actor: 'a',
    });
    const forAcme = await ok<EntryGetReply>(nats, 'config.entry.get', { key: 'ui.theme', environment: 'prod', tenantId: 'acme' });
    assert.deepEqual([forAcme.value, forAcme.resolvedFrom], ['acme-red', 'tenant']);
    const forProd = await ok<EntryGetReply>(nats, 'config.entry.get', { key: 'ui.theme', environment: 'prod' });
    assert.deepEqual([forProd.value, forProd.resolvedFrom], ['dark', 'environment']);
    assert.equal((await ok<EntryGetReply>(nats, 'config.entry.get', { key: 'ui.theme', environment: 'stage' })).value, 'light');
    const badTenant = await fails(nats, 'config.entry.get', { key: 'ui.theme', environment: 'prod', tenantId: 'Acme;drop' });
    assert.equal(badTenant.code, 'TENANT_INVALID');
  });

  const rollout: Omit<FlagDefinition, 'version' | 'killed' | 'updatedAt' | 'updatedBy'> = {
    key: 'new-checkout',
    kind: 'boolean',
    variations: [false, true],
    offVariation: 0,
    enabled: true,
    rules: [{ id: 'beta-tenant', clauses: [{ attribute: 'tenantId', op: 'in', values: ['beta'] }], serve: { variation: 1 } }],
    fallthrough: {
      rollout: [
        { variation: 1, weight: 30 },
        { variation: 0, weight: 70 },
      ],
    },
  };

  it('refuses an inconsistent flag with paths', async () => {
    const error = await fails(nats, 'config.flag.set', {
      flag: {
        ...rollout,
        fallthrough: {
          rollout: [
            { variation: 1, weight: 30 },
            { variation: 3, weight: 60 },
          ],
        },
      },
      expectedVersion: 0,
      actor: 'alice',
    });
    assert.equal(error.code, 'VALIDATION_FAILED');
    assert.deepEqual(
      (error.details!['violations'] as Array<{ path: string }>).map((v) => v.path),
      ['/flag/fallthrough/rollout/1/variation', '/flag/fallthrough/rollout'],
    );
  });

  it('a 30% rollout lands on 30% ± 2% of 10,000 users in another app, each user stable', async () => {
    const flag = await ok<FlagDefinition>(nats, 'config.flag.set', { flag: rollout, expectedVersion: 0, actor: 'alice' });
    const started = Date.now();
    while (remote.client.evaluate('new-checkout', {}).reason === 'FLAG_NOT_FOUND') {
      assert.ok(Date.now() - started < 1_000, 'flag did not reach the client within 1 s');
      await new Promise((r) => setTimeout(r, 5));
    }
    let on = 0;
    for (let i = 0; i < 10_000; i++) {
      const user = { tenantId: 'acme', userId: `user-${i}` };
      const answer = remote.client.isEnabled(flag.key, user);
      assert.equal(remote.client.isEnabled(flag.key, user), answer);
      if (answer) on++;
    }
    assert.ok(Math.abs(on / 100 - 30) <= 2, `${on / 100}% enabled`);
    assert.equal(remote.client.evaluate(flag.key, { tenantId: 'beta', userId: 'u' }).ruleId, 'beta-tenant');
  });

  it('the kill switch reaches a second running app within 1 s', async () => {
    assert.equal(remote.client.isEnabled('new-checkout', { tenantId: 'beta', userId: 'u' }), true);
    const sent = performance.now();
    const killed = await ok<FlagDefinition>(nats, 'config.flag.kill', {
      key: 'new-checkout',
      killed: true,
      actor: 'oncall',
      reason: 'incident',
    });
    assert.equal(killed.killed, true);
    while (remote.client.isEnabled('new-checkout', { tenantId: 'beta', userId: 'u' })) {
      assert.ok(performance.now() - sent < 1_000, 'kill switch did not propagate within 1 s');
      await new Promise((r) => setTimeout(r, 2));
    }
    const elapsed = performance.now() - sent;
    console.log(`kill switch propagation: ${elapsed.toFixed(1)} ms`);
    for (let i = 0; i < 1000; i++) assert.equal(remote.client.evaluate('new-checkout', { userId: `user-${i}` }).reason, 'KILLED');
    // An edit does not silently undo a kill; releasing it is explicit.
    const edited = await ok<FlagDefinition>(nats, 'config.flag.set', { flag: rollout, expectedVersion: killed.version, actor: 'dev' });
    assert.equal(edited.killed, true);
    await ok(nats, 'config.flag.kill', { key: 'new-checkout', killed: false, actor: 'oncall' });
  });

  it('both replicas served requests and a fresh client starts from the same revision', async () => {
    assert.match(first.output(), /"msg":"ready"/);
    assert.match(second.output(), /"msg":"ready"/);
    const late = await startConfigClient(platform.namespace.subjectPrefix);
    try {
      assert.equal(late.client.revision, remote.client.revision);
      assert.deepEqual(late.client.evaluate('new-checkout', { userId: 'x' }), remote.client.evaluate('new-checkout', { userId: 'x' }));
    } finally {
      await late.close();
    }
  });
});
