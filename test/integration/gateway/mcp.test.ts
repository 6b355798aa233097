import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { ElicitRequestSchema, type CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { NatsTestClient, TestPlatform, type AppProcess } from '#testing';
import { AskingUpstream } from './asking-upstream.js';
import { startEverything, type Upstream } from '../../support/upstreams.js';
import { auth, devToken, gatewayEnv, onboard, rpc, TestIdentityProvider } from './support.js';

function mcpClient(gw: AppProcess, path: string, token: string, clients: Client[], sessionId?: string) {
  const client = new Client({ name: 'gateway-test', version: '1.0.0' }, { capabilities: { elicitation: {} } });
  client.setRequestHandler(ElicitRequestSchema, async (req) => {
    const properties =
      (req.params as { requestedSchema?: { properties?: Record<string, { type?: string }> } }).requestedSchema?.properties ?? {};
    const content: Record<string, string | number | boolean> = {};
    for (const [key, prop] of Object.entries(properties)) {
      if (prop.type === 'boolean') content[key] = true;
      else if (prop.type === 'number' || prop.type === 'integer') content[key] = 42;
    }
    content['name'] = 'Ada Lovelace';
    return { action: 'accept', content };
  });
  const transport = new StreamableHTTPClientTransport(new URL(path, gw.url), {
    requestInit: { headers: auth(token, 'acme') },
    ...(sessionId ? { sessionId } : {}),
  });
  clients.push(client);
  return { client, transport, ready: client.connect(transport) };
}

describe('gateway MCP sessions and edge checks', () => {
  let platform: TestPlatform;
  let nats: NatsTestClient;
  let a: AppProcess;
  let b: AppProcess;
  let stateless: AppProcess;
  const idp = new TestIdentityProvider();
  const alice = devToken('alice', ['acme'], ['admin']);
  const clients: Client[] = [];

  before(async () => {
    await idp.start();
    platform = await TestPlatform.create();
    await platform.startAll(['mcp-config', 'mcp-policy-proxy']);
    nats = await NatsTestClient.connect(platform.namespace.subjectPrefix);
    await onboard(nats, 'acme');
    const env = gatewayEnv(idp);
    a = await platform.start('mcp-gateway', env);
    b = await platform.start('mcp-gateway', env);
    stateless = await platform.start('mcp-gateway', { ...env, MCP_STATELESS: 'true' });
  });
  after(async () => {
    for (const c of clients) await c.close().catch(() => undefined);
    await nats?.close();
    await platform?.stop();
    await idp.stop();
  });

  async function connect(gw: AppProcess, path = '/mcp', token = alice, sessionId?: string) {
    const c = mcpClient(gw, path, token, clients, sessionId);
    await c.ready;
    return c;
  }

  it('serves a session on another replica, and refuses it to anyone else', async () => {
    const { transport } = await connect(a);
    const sessionId = transport.sessionId!;
    assert.ok(sessionId);
    const { client: onB } = await connect(b, '/mcp', alice, sessionId);
    assert.deepEqual(await onB.ping(), {});
    const replay = (token: string, tenant = 'acme') =>
      fetch(`${b.url}/mcp`, {
        method: 'POST',
        headers: {
          ...auth(token, tenant),
          'content-type': 'application/json',
          accept: 'application/json, text/event-stream',
          'mcp-session-id': sessionId,
          'mcp-protocol-version': '2025-11-25',
        },
        body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'ping' }),
      });
    assert.equal((await replay(devToken('mallory', ['acme'], ['admin']))).status, 404);
    assert.equal((await replay(alice)).status, 200);
  });

  it('works without sessions in stateless mode', async () => {
    const { client, transport } = await connect(stateless);
    assert.equal(transport.sessionId, undefined);
    assert.deepEqual(await client.ping(), {});
  });

  it('applies authentication, tenancy and Origin checks to MCP as to REST', async () => {
    const post = (headers: Record<string, string>) =>
      fetch(`${a.url}/mcp`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', accept: 'application/json, text/event-stream', ...headers },
        body: JSON.stringify({
          jsonrpc: '2.0',
          id: 0,
          method: 'initialize',
          params: { protocolVersion: '2025-11-25', capabilities: {}, clientInfo: { name: 'x', version: '1' } },
        }),
      });
    const noAuth = await post({ 'x-tenant-id': 'acme' });
    assert.equal(noAuth.status, 401);
    assert.match(noAuth.headers.get('www-authenticate') ?? '', /resource_metadata=/);
    assert.equal((await post(auth(alice))).status, 400);
    assert.equal((await post(auth(devToken('bob', ['globex'], ['admin']), 'acme'))).status, 403);
    assert.equal((await post({ ...auth(alice, 'acme'), origin: 'https://evil.example' })).status, 403);
    assert.equal((await post(auth(alice, 'acme'))).status, 200);
  });
});

/** The official MCP SDK client against the gateway, the real orchestrator and a real upstream server. */
describe('gateway MCP aggregation of a real upstream', () => {
  let platform: TestPlatform;
  let nats: NatsTestClient;
  let upstream: Upstream;
  const asker = new AskingUpstream();
  let a: AppProcess;
  const idp = new TestIdentityProvider();
  const alice = devToken('alice', ['acme'], ['admin']);
  const clients: Client[] = [];

  before(async () => {
    await idp.start();
    upstream = await startEverything();
    await asker.start();
    platform = await TestPlatform.create();
    await platform.startAll(['mcp-config', 'mcp-policy-proxy', 'mcp-orchestrator-api']);
    nats = await NatsTestClient.connect(platform.namespace.subjectPrefix);
    await onboard(nats, 'acme', ['ml_inference']);
    for (const [server, url] of [
      ['everything', upstream.url],
      ['asker', asker.url],
    ]) {
      await rpc(nats, 'orchestrator.server.register', { tenantId: 'acme', principalId: 'alice', roles: ['admin'], server, url }, 30_000);
    }
    const env = gatewayEnv(idp);
    a = await platform.start('mcp-gateway', env);
  });
  after(async () => {
    for (const c of clients) await c.close().catch(() => undefined);
    await nats?.close();
    await platform?.stop();
    await upstream?.stop();
    await asker.stop();
    await idp.stop();
  });

  async function connect(gw: AppProcess, path = '/mcp', token = alice) {
    const c = mcpClient(gw, path, token, clients);
    await c.ready;
    return c;
  }

  const text = (r: unknown) => ((r as CallToolResult).content[0] as { text: string }).text;

  it('lists platform and namespaced upstream tools on /mcp and calls both kinds', async () => {
    const { client } = await connect(a);
    const names = (await client.listTools()).tools.map((t) => t.name);
    for (const n of ['submit_inference_job', 'get_job', 'run_workflow', 'get_run', 'list_tools', 'everything__echo'])
      assert.ok(names.includes(n), `${n} in ${names.join(',')}`);
    assert.ok(
      names.every((n) => !n.startsWith('echo')),
      'upstream tools are namespaced',
    );
    assert.match(text(await client.callTool({ name: 'everything__echo', arguments: { message: 'hello' } })), /hello/);
    const listed = JSON.parse(text(await client.callTool({ name: 'list_tools', arguments: {} }))) as {
      items: Array<{ qualifiedName: string }>;
    };
    assert.ok(listed.items.some((t) => t.qualifiedName === 'everything__echo'));
  });

  it('reads a resource and gets a prompt through /mcp', async () => {
    const { client } = await connect(a);
    const { resources } = await client.listResources();
    assert.ok(resources.length > 0);
    assert.ok(resources.every((r) => r.name.startsWith('everything__')));
    const read = await client.readResource({ uri: resources[0]!.uri });
    assert.ok(read.contents.length > 0);
    assert.equal(read.contents[0]!.uri, resources[0]!.uri);
    const prompt = await client.getPrompt({ name: 'everything__simple-prompt' });
    assert.ok(prompt.messages.length > 0);
  });

  it('relays an upstream elicitation to the client and its answer back', async () => {
    const { client } = await connect(a);
    const result = await client.callTool({ name: 'asker__ask_name', arguments: {} });
    assert.equal(text(result), 'Hello, Ada Lovelace');
  });

  it('relays upstream progress to the caller that asked for it', async () => {
    const { client } = await connect(a);
    const progress: number[] = [];
    const result = await client.callTool({ name: 'asker__count_up', arguments: {} }, undefined, {
      onprogress: (p) => void progress.push(p.progress),
    });
    assert.equal(text(result), 'counted to 3');
    assert.deepEqual(progress, [1, 2, 3]);
  });

  it('exposes one upstream unprefixed on /mcp/servers/{name}', async () => {
    const { client } = await connect(a, '/mcp/servers/everything');
    const names = (await client.listTools()).tools.map((t) => t.name);
    assert.ok(names.includes('echo'));
    assert.ok(!names.includes('submit_inference_job'));
    assert.match(text(await client.callTool({ name: 'echo', arguments: { message: 'direct' } })), /direct/);
    const prompt = await client.getPrompt({ name: 'simple-prompt' });
    assert.ok(prompt.messages.length > 0);
  });
});
