import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { NatsTestClient, TestPlatform } from '#testing';
import { decodeJson, encodeJson } from '#messaging';
import type { RelayNotification, RelayRequest, ServerInfo, ToolCallReply } from '#contracts';
import { startEverything, type Upstream } from '../../support/upstreams.js';
import { as, fails, ok } from './helpers.js';

describe('orchestrator relays upstream progress and server-to-client requests over NATS', () => {
  let platform: TestPlatform;
  let nats: NatsTestClient;
  let everything: Upstream;

  before(async () => {
    everything = await startEverything();
    platform = await TestPlatform.create();
    await platform.start('mcp-orchestrator-api', { REGISTRY_REFRESH_INTERVAL_MS: '0' });
    nats = await NatsTestClient.connect(platform.namespace.subjectPrefix);
    const info = await ok<ServerInfo>(nats, 'orchestrator.server.register', { ...as('acme'), server: 'everything', url: everything.url });
    assert.ok(
      info.tools.some((t) => t.name === 'trigger-sampling-request'),
      'sampling tools are offered to the orchestrator',
    );
  });

  after(async () => {
    await nats?.close();
    await platform?.stop();
    await everything?.stop();
  });

  it('progress notifications of a long-running tool reach the relay subject', async () => {
    const relaySubject = 'orchestrator.relay.progress001';
    const seen = nats.collect(relaySubject);
    const reply = await ok<ToolCallReply>(nats, 'orchestrator.tool.call', {
      ...as('acme'),
      server: 'everything',
      tool: 'trigger-long-running-operation',
      arguments: { duration: 1, steps: 3 },
      callId: 'call-1',
      relaySubject,
    });
    assert.ok(!reply.result.isError);
    const progress = (seen.messages as RelayNotification[]).filter((m) => m.type === 'progress' && m.callId === 'call-1');
    assert.equal(progress.length, 3);
    assert.deepEqual(
      progress.map((p) => (p.params as { progress: number }).progress),
      [1, 2, 3],
    );
    seen.stop();
  });

  it('without relaySession progress is still relayed, from a pooled session that cannot take server requests', async () => {
    const relaySubject = 'orchestrator.relay.pooled001';
    const seen = nats.collect(relaySubject);
    const reply = await ok<ToolCallReply>(nats, 'orchestrator.tool.call', {
      ...as('acme'),
      server: 'everything',
      tool: 'trigger-long-running-operation',
      arguments: { duration: 1, steps: 2 },
      callId: 'call-p',
      relaySubject,
      relaySession: false,
    });
    assert.ok(!reply.result.isError);
    const progress = (seen.messages as RelayNotification[]).filter((m) => m.type === 'progress' && m.callId === 'call-p');
    assert.equal(progress.length, 2);
    seen.stop();
    const refused = await ok<ToolCallReply>(nats, 'orchestrator.tool.call', {
      ...as('acme'),
      server: 'everything',
      tool: 'trigger-sampling-request',
      arguments: { prompt: 'hi', maxTokens: 5 },
      relaySubject,
      relaySession: false,
    });
    assert.equal(refused.result.isError, true);
    assert.match(JSON.stringify(refused.result.content), /without a relay/);
  });

  it('a sampling request from the upstream is answered by the caller through the relay', async () => {
    const relaySubject = 'orchestrator.relay.sampling001';
    const requests: RelayRequest[] = [];
    const sub = nats.connection.subscribe(`${platform.namespace.subjectPrefix}${relaySubject}`, {
      callback: (_e, msg) => {
        const body = decodeJson(msg.data) as RelayRequest | RelayNotification;
        if (body.type !== 'request') return;
        requests.push(body);
        msg.respond(
          encodeJson({ data: { role: 'assistant', model: 'caller-model', content: { type: 'text', text: 'sampled by the caller' } } }),
        );
      },
    });
    const reply = await ok<ToolCallReply>(nats, 'orchestrator.tool.call', {
      ...as('acme'),
      server: 'everything',
      tool: 'trigger-sampling-request',
      arguments: { prompt: 'hi', maxTokens: 5 },
      callId: 'call-2',
      relaySubject,
    });
    sub.unsubscribe();
    assert.equal(requests.length, 1);
    assert.equal(requests[0]!.method, 'sampling/createMessage');
    assert.match(JSON.stringify(reply.result.content), /sampled by the caller/);
  });

  it('without a relay the upstream request is refused and a relay subject outside the namespace is invalid', async () => {
    const refused = await ok<ToolCallReply>(nats, 'orchestrator.tool.call', {
      ...as('acme'),
      server: 'everything',
      tool: 'trigger-sampling-request',
      arguments: { prompt: 'hi', maxTokens: 5 },
    });
    assert.equal(refused.result.isError, true);
    assert.match(JSON.stringify(refused.result.content), /without a relay/);
    const err = await fails(nats, 'orchestrator.tool.call', {
      ...as('acme'),
      server: 'everything',
      tool: 'echo',
      arguments: { message: 'x' },
      relaySubject: 'policy.decision.evaluate',
    });
    assert.equal(err.code, 'VALIDATION_FAILED');
  });
});
