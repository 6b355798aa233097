import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { eventually, NatsTestClient, TestPlatform } from '#testing';
import type { ServerInfo, ToolCallReply, ToolInfo } from '#contracts';
import { counterStats, mutateCounter, startCounter, startEverything, type Upstream } from '../../support/upstreams.js';
import { as, fails, ok } from './helpers.js';

describe('orchestrator tool registry (real MCP upstreams)', () => {
  let platform: TestPlatform;
  let nats: NatsTestClient;
  let everything: Upstream;
  let counter: Upstream;

  before(async () => {
    [everything, counter] = await Promise.all([startEverything(), startCounter()]);
    platform = await TestPlatform.create();
    await platform.start('mcp-orchestrator-api', { REGISTRY_REFRESH_INTERVAL_MS: '0' });
    nats = await NatsTestClient.connect(platform.namespace.subjectPrefix);
  });

  after(async () => {
    await nats?.close();
    await platform?.stop();
    await Promise.all([everything?.stop(), counter?.stop()]);
  });

  it('registering server-everything (global, platform-admin) lists its tools, resources and prompts to every tenant', async () => {
    const denied = await fails(nats, 'orchestrator.server.register', {
      ...as('acme'),
      scope: 'global',
      server: 'everything',
      url: everything.url,
    });
    assert.equal(denied.code, 'FORBIDDEN');
    const info = await ok<ServerInfo>(nats, 'orchestrator.server.register', {
      ...as('acme', 'root', ['platform-admin']),
      scope: 'global',
      server: 'everything',
      url: everything.url,
    });
    assert.equal(info.scope, 'global');
    const names = info.tools.map((t) => t.name);
    for (const expected of ['echo', 'get-sum']) assert.ok(names.includes(expected), `missing ${expected} in ${names.join(',')}`);
    assert.ok(info.tools.every((t) => /^[0-9a-f]{64}$/.test(t.hash) && t.status === 'active' && t.version === 1));
    assert.ok(info.resources.length > 0 && info.prompts.length > 0);

    const tools = await ok<{ items: ToolInfo[] }>(nats, 'orchestrator.tool.list', as('globex'));
    assert.ok(tools.items.some((t) => t.qualifiedName === 'everything__echo' && t.scope === 'global'));

    const echoed = await ok<ToolCallReply>(nats, 'orchestrator.tool.call', {
      ...as('globex'),
      server: 'everything',
      tool: 'echo',
      arguments: { message: 'hi' },
    });
    assert.match(JSON.stringify(echoed.result.content), /hi/);
    const sum = await ok<ToolCallReply>(nats, 'orchestrator.tool.call', {
      ...as('globex'),
      server: 'everything',
      tool: 'get-sum',
      arguments: { a: 2, b: 3 },
    });
    assert.match(JSON.stringify(sum.result.content), /5/);
  });

  it('a changed tool definition is caught via list_changed, quarantined, refused, and callable again once approved', async () => {
    const info = await ok<ServerInfo>(nats, 'orchestrator.server.register', { ...as('acme'), server: 'counter', url: counter.url });
    const add1 = info.tools.find((t) => t.name === 'add')!;
    assert.equal(add1.status, 'active');
    await ok(nats, 'orchestrator.tool.call', { ...as('acme'), server: 'counter', tool: 'add', arguments: { a: 1, b: 2 } });

    await mutateCounter(counter); // upstream changes `add` and notifies its sessions (tools/list_changed)
    const changed = await eventually(
      async () => {
        const list = await ok<{ items: ToolInfo[] }>(nats, 'orchestrator.tool.list', { ...as('acme'), includeQuarantined: true });
        const add = list.items.find((t) => t.server === 'counter' && t.name === 'add');
        return add && add.version === 2 ? add : undefined;
      },
      10_000,
      100,
    );
    assert.equal(changed.status, 'quarantined');
    assert.notEqual(changed.hash, add1.hash);
    assert.match(changed.description ?? '', /revision 1/);

    const visible = await ok<{ items: ToolInfo[] }>(nats, 'orchestrator.tool.list', as('acme'));
    assert.ok(!visible.items.some((t) => t.server === 'counter' && t.name === 'add'), 'quarantined tool must not be listed as callable');
    const before = (await counterStats(counter)).executions;
    const refused = await fails(nats, 'orchestrator.tool.call', {
      ...as('acme'),
      server: 'counter',
      tool: 'add',
      arguments: { a: 1, b: 2 },
    });
    assert.equal(refused.code, 'FORBIDDEN');
    assert.equal(refused.details?.reason, 'quarantined');
    assert.deepEqual((await counterStats(counter)).executions, before, 'a quarantined tool must not reach the upstream');

    const approved = await ok<ToolInfo>(nats, 'orchestrator.server.approve', { ...as('acme'), server: 'counter', tool: 'add', version: 2 });
    assert.equal(approved.status, 'active');
    assert.equal(approved.approvedBy, 'user@acme');
    const res = await ok<ToolCallReply>(nats, 'orchestrator.tool.call', {
      ...as('acme'),
      server: 'counter',
      tool: 'add',
      arguments: { a: 4, b: 5 },
    });
    assert.deepEqual(res.result.structuredContent, { sum: 9 });
    assert.equal(res.version, 2);
  });

  it("a tenant's private server and its tools are invisible and uncallable for another tenant", async () => {
    const other = await ok<{ items: ToolInfo[] }>(nats, 'orchestrator.tool.list', as('globex'));
    assert.ok(!other.items.some((t) => t.server === 'counter'));
    const servers = await ok<{ items: ServerInfo[] }>(nats, 'orchestrator.server.list', as('globex'));
    assert.ok(!servers.items.some((s) => s.name === 'counter'));
    const err = await fails(nats, 'orchestrator.tool.call', { ...as('globex'), server: 'counter', tool: 'add', arguments: { a: 1, b: 1 } });
    assert.equal(err.code, 'NOT_FOUND');
    assert.equal((await fails(nats, 'orchestrator.server.remove', { ...as('globex'), server: 'counter' })).code, 'NOT_FOUND');
    assert.equal((await fails(nats, 'orchestrator.tool.list', as('../evil'))).code, 'VALIDATION_FAILED');
  });

  it('usage is recorded per tenant, tool and day', async () => {
    const usage = await ok<{ items: { subject: string; calls: number; errors: number }[] }>(nats, 'orchestrator.usage.get', {
      ...as('acme'),
      kind: 'tool',
    });
    const add = usage.items.find((u) => u.subject === 'counter/add');
    assert.ok(add && add.calls >= 2, JSON.stringify(usage.items));
    const globexUsage = await ok<{ items: { subject: string }[] }>(nats, 'orchestrator.usage.get', { ...as('globex'), kind: 'tool' });
    assert.ok(globexUsage.items.some((u) => u.subject === 'everything/echo'));
    assert.ok(!globexUsage.items.some((u) => u.subject === 'counter/add'));
  });
});
