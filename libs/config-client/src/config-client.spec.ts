import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { CONFIG_EVENT_SUBJECTS, type ConfigEvent, type ConfigSnapshot, type FlagDefinition, type TenantRecord } from '#contracts';
import { CONFIG_SYNC_REVISION, CONFIG_SYNC_SNAPSHOT, ConfigClient, type ConfigClientTransport } from './config-client.js';
import { ConfigState } from './config-state.js';

const flag = (key: string, version: number, killed = false): FlagDefinition => ({
  key,
  kind: 'boolean',
  variations: [false, true],
  offVariation: 0,
  enabled: true,
  killed,
  rules: [],
  fallthrough: { variation: 1 },
  version,
  updatedAt: '2026-11-26T00:00:00.000Z',
  updatedBy: 't',
});

const tenant = (id: string, version: number, status: TenantRecord['status'] = 'active'): TenantRecord => ({
  id,
  name: id,
  schema: `tenant_${id}`,
  tier: 'standard',
  status,
  features: [],
  limits: { requests_per_minute: 10, concurrent_contexts: 1 },
  policyBootstrap: 'done',
  version,
  createdAt: '',
  updatedAt: '',
});

const flagEvent = (revision: number, f: FlagDefinition): ConfigEvent => ({
  subject: CONFIG_EVENT_SUBJECTS.flagChanged,
  data: { revision, operation: f.killed ? 'kill' : 'set', flag: f },
});

describe('ConfigState', () => {
  it('applies the next revision, ignores stale ones and reports gaps', () => {
    const s = new ConfigState();
    s.load({ revision: 3, flags: [flag('a', 1)], tenants: [] });
    assert.equal(s.apply(flagEvent(4, flag('a', 2, true))), 'applied');
    assert.equal(s.flag('a')?.killed, true);
    assert.equal(s.apply(flagEvent(4, flag('a', 2))), 'stale');
    assert.equal(s.apply(flagEvent(2, flag('a', 1))), 'stale');
    assert.equal(s.flag('a')?.version, 2);
    assert.equal(s.apply(flagEvent(7, flag('b', 1))), 'gap');
    assert.equal(s.revision, 7);
    assert.ok(s.flag('b'));
  });

  it('never replaces an object with an older version of itself', () => {
    const s = new ConfigState();
    s.load({ revision: 1, flags: [], tenants: [tenant('t1', 5, 'suspended')] });
    s.apply({ subject: CONFIG_EVENT_SUBJECTS.tenantChanged, data: { revision: 2, operation: 'updated', tenant: tenant('t1', 4) } });
    assert.equal(s.tenant('t1')?.status, 'suspended');
  });

  it('is not synced by events alone', () => {
    const s = new ConfigState();
    s.apply(flagEvent(0, flag('a', 1)));
    assert.equal(s.synced, false);
  });
});

/** In-memory stand-in for NATS: the server side is a snapshot we control. */
class FakeTransport implements ConfigClientTransport {
  snapshot: ConfigSnapshot = { revision: 0, flags: [], tenants: [] };
  snapshotRequests = 0;
  failNext = 0;
  handler: ((e: ConfigEvent) => void) | undefined;
  reconnect: (() => void) | undefined;
  pendingSnapshot: Array<() => void> = [];
  holdSnapshots = false;

  async request<T>(subject: string): Promise<T> {
    if (subject === CONFIG_SYNC_REVISION) return { revision: this.snapshot.revision } as T;
    assert.equal(subject, CONFIG_SYNC_SNAPSHOT);
    this.snapshotRequests++;
    if (this.failNext > 0) {
      this.failNext--;
      throw new Error('unavailable');
    }
    const copy = structuredClone(this.snapshot);
    if (this.holdSnapshots) await new Promise<void>((r) => this.pendingSnapshot.push(r));
    return copy as T;
  }

  subscribeEvents(_wildcard: string, handler: (e: ConfigEvent) => void) {
    this.handler = handler;
    return () => (this.handler = undefined);
  }

  onReconnect(handler: () => void) {
    this.reconnect = handler;
    return () => (this.reconnect = undefined);
  }

  /** Commits a change server-side and (optionally) delivers its event. */
  publish(event: ConfigEvent, deliver = true) {
    this.snapshot.revision = event.data.revision;
    if (event.subject === CONFIG_EVENT_SUBJECTS.flagChanged) {
      this.snapshot.flags = [...this.snapshot.flags.filter((f) => f.key !== event.data.flag.key), event.data.flag];
    }
    if (deliver) this.handler?.(event);
  }
}

const tick = () => new Promise((r) => setTimeout(r, 5));

describe('ConfigClient', () => {
  it('evaluates from the snapshot and follows events', async () => {
    const t = new FakeTransport();
    t.snapshot = { revision: 1, flags: [flag('a', 1)], tenants: [tenant('t1', 1)] };
    const client = new ConfigClient(t, { revisionCheckMs: 60_000 });
    await client.start();
    assert.equal(client.isEnabled('a', { userId: 'u' }), true);
    assert.equal(client.isEnabled('missing', {}, true), true);
    assert.equal(client.tenant('t1')?.status, 'active');
    const changes: string[] = [];
    client.on('flag.changed', (d) => changes.push(`${d.flag.key}:${d.operation}`));
    t.publish(flagEvent(2, flag('a', 2, true)));
    assert.equal(client.isEnabled('a', { userId: 'u' }), false);
    assert.deepEqual(changes, ['a:kill']);
    assert.equal(t.snapshotRequests, 1);
    client.stop();
  });

  it('resyncs after a gap and tells listeners', async () => {
    const t = new FakeTransport();
    const client = new ConfigClient(t, { revisionCheckMs: 60_000 });
    await client.start();
    const resynced: number[] = [];
    client.on('resynced', (d) => resynced.push(d.revision));
    t.publish(flagEvent(1, flag('lost', 1)), false);
    t.publish(flagEvent(2, flag('seen', 1)));
    await tick();
    assert.equal(t.snapshotRequests, 2);
    assert.ok(client.evaluate('lost', {}).reason !== 'FLAG_NOT_FOUND');
    assert.deepEqual(resynced, [2]);
    client.stop();
  });

  it('replays events that arrive while a snapshot is in flight', async () => {
    const t = new FakeTransport();
    const client = new ConfigClient(t, { revisionCheckMs: 60_000 });
    t.holdSnapshots = true;
    const started = client.start();
    await tick();
    t.publish(flagEvent(1, flag('late', 1))); // committed after the snapshot was read
    t.pendingSnapshot.splice(0).forEach((r) => r());
    await started;
    assert.equal(client.revision, 1);
    assert.equal(client.isEnabled('late', {}), true);
    client.stop();
  });

  it('resyncs on reconnect and retries a failed snapshot', async () => {
    const t = new FakeTransport();
    const client = new ConfigClient(t, { revisionCheckMs: 60_000, retryMs: 1 });
    await client.start();
    t.publish(flagEvent(1, flag('during-outage', 1)), false);
    t.failNext = 1;
    t.reconnect?.();
    for (let i = 0; i < 20 && client.revision < 1; i++) await tick();
    assert.equal(client.revision, 1);
    assert.equal(t.snapshotRequests, 3);
    client.stop();
  });

  it('forwards revocations', async () => {
    const t = new FakeTransport();
    const client = new ConfigClient(t, { revisionCheckMs: 60_000 });
    await client.start();
    const revoked: string[] = [];
    client.on('apikey.revoked', (d) => revoked.push(d.keyId));
    t.publish({ subject: CONFIG_EVENT_SUBJECTS.apikeyRevoked, data: { revision: 1, keyId: 'k1', tenantId: 't1', prefix: 'abcd1234' } });
    assert.deepEqual(revoked, ['k1']);
    client.stop();
  });

  it('start() rejects when mcp-config is unreachable', async () => {
    const t = new FakeTransport();
    t.failNext = 1;
    const client = new ConfigClient(t);
    await assert.rejects(client.start(), /unavailable/);
    client.stop();
  });
});
