import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Server } from '@modelcontextprotocol/sdk/server/index.js';
import { CallToolRequestSchema, ElicitResultSchema, type JSONRPCMessage } from '@modelcontextprotocol/sdk/types.js';
import { GatewayTransport, type CrossReplicaRelay } from './gateway-transport.js';
import { McpExchange, type ResponseSink } from './exchange.js';

class FakeResponse implements ResponseSink {
  status = 0;
  headers: Record<string, string> = {};
  chunks: string[] = [];
  ended = false;
  private closeListeners: Array<() => void> = [];
  writeHead(status: number, headers: Record<string, string>) {
    this.status = status;
    this.headers = headers;
  }
  write(chunk: string) {
    this.chunks.push(chunk);
    return true;
  }
  end(chunk?: string) {
    if (chunk) this.chunks.push(chunk);
    this.ended = true;
    this.closeListeners.forEach((l) => l());
  }
  on(_e: 'close', l: () => void) {
    this.closeListeners.push(l);
  }
  events(): Array<Record<string, unknown>> {
    return this.chunks.map((c) => JSON.parse(c.replace(/^event: message\ndata: /, '')));
  }
}

const tick = () => new Promise((r) => setImmediate(r));
async function until(cond: () => boolean) {
  for (let i = 0; i < 200 && !cond(); i++) await tick();
  assert.ok(cond(), 'condition not reached');
}

function setup(relayLog: unknown[] = []) {
  const relay: CrossReplicaRelay = {
    sendResponse: (...a) => relayLog.push(['response', ...a]),
    broadcastCancel: (...a) => relayLog.push(['cancel', ...a]),
  };
  const transport = new GatewayTransport('r1', relay);
  const server = new Server({ name: 't', version: '1' }, { capabilities: { tools: {} } });
  const seenSignals: AbortSignal[] = [];
  server.setRequestHandler(CallToolRequestSchema, async (req, extra) => {
    seenSignals.push(extra.signal);
    if (req.params.name === 'echo') return { content: [{ type: 'text', text: String(req.params.arguments?.['v']) }] };
    if (req.params.name === 'slow') {
      await new Promise((_r, reject) => extra.signal.addEventListener('abort', () => reject(new Error('aborted'))));
    }
    await extra.sendNotification({ method: 'notifications/progress', params: { progressToken: 'p', progress: 1, total: 2 } });
    const answer = await extra.sendRequest(
      {
        method: 'elicitation/create',
        params: { message: 'name?', requestedSchema: { type: 'object', properties: { n: { type: 'string' } } } },
      },
      ElicitResultSchema,
    );
    return { content: [{ type: 'text', text: JSON.stringify(answer.content) }] };
  });
  return { transport, server, seenSignals };
}

const call = (id: number | string, name: string, args: Record<string, unknown> = {}): JSONRPCMessage =>
  ({ jsonrpc: '2.0', id, method: 'tools/call', params: { name, arguments: args } }) as JSONRPCMessage;

describe('GatewayTransport', () => {
  it('answers concurrent requests with colliding client ids as JSON, each with its own id', async () => {
    const { transport, server } = setup();
    await server.connect(transport);
    const a = new FakeResponse();
    const b = new FakeResponse();
    transport.dispatch([call(0, 'echo', { v: 'a' })], new McpExchange(a, {}, false), 'alice', {});
    transport.dispatch([call(0, 'echo', { v: 'b' })], new McpExchange(b, {}, false), 'bob', {});
    await until(() => a.ended && b.ended);
    assert.equal(a.headers['content-type'], 'application/json');
    assert.deepEqual(JSON.parse(a.chunks[0]!), { jsonrpc: '2.0', id: 0, result: { content: [{ type: 'text', text: 'a' }] } });
    assert.equal(JSON.parse(b.chunks[0]!).result.content[0].text, 'b');
    assert.equal(transport.inFlight, 0);
  });

  it('answers a batch with an array', async () => {
    const { transport, server } = setup();
    await server.connect(transport);
    const res = new FakeResponse();
    transport.dispatch([call(1, 'echo', { v: 1 }), call(2, 'echo', { v: 2 })], new McpExchange(res, {}, true), 's', {});
    await until(() => res.ended);
    const body = JSON.parse(res.chunks[0]!);
    assert.deepEqual(body.map((m: { id: number }) => m.id).sort(), [1, 2]);
  });

  it('streams progress and an elicitation over SSE and resumes when the answer arrives in another POST', async () => {
    const { transport, server } = setup();
    await server.connect(transport);
    const res = new FakeResponse();
    transport.dispatch([call('c1', 'ask')], new McpExchange(res, {}, false), 'sess', {});
    await until(() => res.chunks.length === 2);
    assert.equal(res.headers['content-type'], 'text/event-stream');
    const [progress, elicit] = res.events();
    assert.equal(progress!['method'], 'notifications/progress');
    assert.equal(elicit!['method'], 'elicitation/create');
    assert.match(String(elicit!['id']), /^r1:\d+$/);
    // An answer from another scope is ignored; the owner's answer completes the call.
    const stranger = new FakeResponse();
    assert.equal(
      transport.dispatch(
        [{ jsonrpc: '2.0', id: elicit!['id'], result: { action: 'accept', content: { n: 'mallory' } } } as JSONRPCMessage],
        new McpExchange(stranger, {}, false),
        'other',
        {},
      ),
      false,
    );
    await tick();
    assert.equal(res.ended, false);
    transport.dispatch(
      [{ jsonrpc: '2.0', id: elicit!['id'], result: { action: 'accept', content: { n: 'ada' } } } as JSONRPCMessage],
      new McpExchange(new FakeResponse(), {}, false),
      'sess',
      {},
    );
    await until(() => res.ended);
    const final = res.events()[2]!;
    assert.equal(final['id'], 'c1');
    assert.equal((final['result'] as { content: Array<{ text: string }> }).content[0]!.text, '{"n":"ada"}');
  });

  it('relays answers meant for another replica', async () => {
    const log: unknown[] = [];
    const { transport, server } = setup(log);
    await server.connect(transport);
    transport.dispatch(
      [{ jsonrpc: '2.0', id: 'r2:7', result: {} } as JSONRPCMessage],
      new McpExchange(new FakeResponse(), {}, false),
      'sess',
      {},
    );
    assert.deepEqual(log, [['response', 'r2', 'sess', { jsonrpc: '2.0', id: 7, result: {} }]]);
  });

  it('cancels an in-flight request of the same scope and relays unknown ones', async () => {
    const log: unknown[] = [];
    const { transport, server, seenSignals } = setup(log);
    await server.connect(transport);
    const res = new FakeResponse();
    transport.dispatch([call(5, 'slow')], new McpExchange(res, {}, false), 'sess', {});
    await until(() => seenSignals.length === 1);
    const cancel = (scope: string, requestId: number) =>
      transport.dispatch(
        [{ jsonrpc: '2.0', method: 'notifications/cancelled', params: { requestId, reason: 'user' } } as JSONRPCMessage],
        new McpExchange(new FakeResponse(), {}, false),
        scope,
        {},
      );
    cancel('other', 5);
    assert.equal(seenSignals[0]!.aborted, false);
    assert.deepEqual(log, [['cancel', 'other', 5, 'user']]);
    cancel('sess', 5);
    await until(() => seenSignals[0]!.aborted && res.ended);
    assert.equal(transport.inFlight, 0);
  });
});
