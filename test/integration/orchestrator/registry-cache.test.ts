import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { eventually, NatsTestClient, TestPlatform } from '#testing';
import type { ErrorBody, RpcReply, ToolInfo } from '#contracts';
import { counterStats, mutateCounter, startCounter, type Upstream } from '../../support/upstreams.js';
import { as, ok } from './helpers.js';

// Two replicas in one queue group: NATS hands each request to either at random, so a burst of calls
// reaches both (10 calls all on one replica: p = 2^-9). The cache TTL is far beyond the test, so only
// the change announcements can make the other replica drop what it cached.
const PROPAGATION_MS = 1_000;
const BURST = 10;

describe('orchestrator registry cache across two replicas', () => {
  let platform: TestPlatform;
  let nats: NatsTestClient;
  let counter: Upstream;
  const call = (): Promise<RpcReply<unknown>> =>
    nats.request('orchestrator.tool.call', { ...as('acme'), server: 'counter', tool: 'add', arguments: { a: 1, b: 2 } }, 15_000);
  const list = (): Promise<RpcReply<unknown>> => nats.request('orchestrator.tool.list', as('acme'), 15_000);
  const listed = (r: RpcReply<unknown>) => ('data' in r ? (r.data as { items: ToolInfo[] }).items : []);

  /** Waits until a whole burst of requests answers as expected; fails if that takes longer than PROPAGATION_MS. */
  async function allReplicasAnswer(expect: (reply: RpcReply<unknown>) => boolean, what: string, send = call): Promise<void> {
    const started = Date.now();
    let last: RpcReply<unknown>[] = [];
    while (Date.now() - started <= PROPAGATION_MS) {
      last = await Promise.all(Array.from({ length: BURST }, send));
      if (last.every(expect)) return;
    }
    assert.fail(
      `not every replica ${what} within ${PROPAGATION_MS} ms: ${JSON.stringify(last.map((r) => ('error' in r ? r.error.code : 'ok')))}`,
    );
  }

  async function warmBothReplicas(): Promise<void> {
    await Promise.all([...Array.from({ length: 4 * BURST }, call), ...Array.from({ length: 4 * BURST }, list)]);
  }

  before(async () => {
    counter = await startCounter();
    platform = await TestPlatform.create();
    const env = { REGISTRY_REFRESH_INTERVAL_MS: '0', REGISTRY_CACHE_TTL_MS: '600000' };
    await platform.start('mcp-orchestrator-api', env);
    await platform.start('mcp-orchestrator-api', env);
    nats = await NatsTestClient.connect(platform.namespace.subjectPrefix);
    await ok(nats, 'orchestrator.server.register', { ...as('acme'), server: 'counter', url: counter.url });
  });

  after(async () => {
    await nats?.close();
    await platform?.stop();
    await counter?.stop();
  });

  it('a quarantined tool is refused by every replica within 1 s and never reaches the upstream after that', async () => {
    await warmBothReplicas();
    await mutateCounter(counter);
    await eventually(
      async () => {
        const list = await ok<{ items: ToolInfo[] }>(nats, 'orchestrator.tool.list', { ...as('acme'), includeQuarantined: true });
        return list.items.find((t) => t.name === 'add' && t.version === 2 && t.status === 'quarantined');
      },
      10_000,
      20,
    );
    await allReplicasAnswer(
      (r) => 'error' in r && r.error.code === 'FORBIDDEN' && r.error.details?.reason === 'quarantined',
      'refused the call',
    );
    const before = (await counterStats(counter)).executions;
    const refused = await Promise.all(Array.from({ length: 2 * BURST }, call));
    assert.ok(refused.every((r) => 'error' in r && r.error.code === 'FORBIDDEN'));
    assert.deepEqual((await counterStats(counter)).executions, before, 'a quarantined tool must not reach the upstream');
  });

  it('an approved version is callable on, and listed by, every replica within 1 s', async () => {
    await warmBothReplicas(); // both replicas now hold the quarantined version
    await ok(nats, 'orchestrator.server.approve', { ...as('acme'), server: 'counter', tool: 'add', version: 2 });
    await allReplicasAnswer((r) => !('error' in r) && (r.data as { version: number }).version === 2, 'ran the approved version');
    await allReplicasAnswer(
      (r) => listed(r).some((t) => t.name === 'add' && t.version === 2 && t.status === 'active'),
      'listed the approved version',
      list,
    );
  });

  it('a removed server is unknown to, and no longer listed by, every replica within 1 s', async () => {
    await warmBothReplicas();
    await ok(nats, 'orchestrator.server.remove', { ...as('acme'), server: 'counter' });
    await allReplicasAnswer((r) => 'error' in r && (r.error as ErrorBody).code === 'NOT_FOUND', 'forgot the server');
    await allReplicasAnswer((r) => 'data' in r && !listed(r).some((t) => t.server === 'counter'), 'stopped listing its tools', list);
  });
});
