import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { bearer, E2EPlatform, token, type ErrorBody } from '../e2e/platform.js';
import { assertAlive, rawHttp } from './support.js';

/**
 * Tenant isolation on every tenant-scoped route, rate-limit bypass attempts, MCP session hijack
 * and DNS rebinding — each against the whole platform through the gateway.
 */
describe('security: isolation, rate-limit bypass, MCP session hijack, DNS rebinding', () => {
  let e2e: E2EPlatform;
  const alice = token('alice', ['alpha'], ['admin']);
  const bob = token('bob', ['bravo'], ['admin']);
  const both = token('carol', ['alpha', 'bravo'], ['admin']);
  const ids = { job: '', run: '' };
  const clients: Client[] = [];

  before(async () => {
    e2e = await E2EPlatform.boot({
      env: {
        'mcp-gateway': {
          CORS_ORIGINS: 'https://app.example.com',
          MCP_ALLOWED_HOSTS: 'localhost,127.0.0.1',
          RATE_LIMIT_CLIENT_PER_MIN: '100000',
        },
      },
    });
    await e2e.onboard('alpha', ['ml_inference']);
    await e2e.onboard('bravo', ['ml_inference']);
    await e2e.onboard('throttled', [], 5);
    await e2e.admin(
      'orchestrator.server.register',
      { tenantId: 'alpha', principalId: 'alice', roles: ['admin'], server: 'alphaonly', url: e2e.counter!.url },
      30_000,
    );
  });
  after(async () => {
    for (const c of clients) await c.close().catch(() => undefined);
    await e2e?.stop();
  });

  const req = (method: string, path: string, headers: Record<string, string>, body?: unknown) =>
    fetch(e2e.url(path), {
      method,
      headers: { ...headers, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });

  it("creates alpha's resources through the gateway", async () => {
    await e2e.admin('orchestrator.workflow.create', {
      tenantId: 'alpha',
      principalId: 'alice',
      roles: ['admin'],
      name: 'alpha-secret',
      definition: { steps: [{ id: 'one', kind: 'tool', tool: { server: 'alphaonly', name: 'add' }, input: { a: 1, b: 2 } }] },
    });
    const job = await req('POST', '/v1/jobs', bearer(alice, 'alpha'), {
      model: 'llama-3.2-3b',
      messages: [{ role: 'user', content: 'hi' }],
    });
    assert.equal(job.status, 202, await job.clone().text());
    ids.job = ((await job.json()) as { id: string }).id;
    const run = await req('POST', '/v1/workflows/alpha-secret/runs', bearer(alice, 'alpha'), { input: {} });
    assert.equal(run.status, 202, await run.clone().text());
    ids.run = ((await run.json()) as { id: string }).id;
  });

  it("never shows or runs alpha's resources for bravo, on any tenant-scoped route", async () => {
    let probes = 0;
    // Bravo's own credential, acting for bravo, naming alpha's ids: answered exactly as an id that
    // never existed (no existence oracle), and nothing of alpha's data in the answer.
    const ghost = '00000000-0000-4000-8000-000000000000';
    for (const [method, path, never, body] of [
      ['GET', `/v1/jobs/${ids.job}`, `/v1/jobs/${ghost}`],
      ['GET', `/v1/runs/${ids.run}`, `/v1/runs/${ghost}`],
      ['POST', '/v1/workflows/alpha-secret/runs', '/v1/workflows/never-was/runs', { input: {} }],
    ] as Array<[string, string, string, unknown?]>) {
      for (const who of [bob, both]) {
        const res = await req(method, path, bearer(who, 'bravo'), body);
        const text = await res.text();
        const baseline = await req(method, never, bearer(who, 'bravo'), body);
        assert.equal(res.status, 404, `${method} ${path} as bravo: ${res.status} ${text}`);
        assert.equal(res.status, baseline.status);
        assert.equal((JSON.parse(text) as ErrorBody).error.code, ((await baseline.json()) as ErrorBody).error.code);
        assert.doesNotMatch(text, /alphaonly|llama|alice/);
        probes++;
      }
    }
    // Lists of bravo do not contain alpha's things.
    const tools = await (await req('GET', '/v1/tools', bearer(bob, 'bravo'))).text();
    const workflows = await (await req('GET', '/v1/workflows', bearer(bob, 'bravo'))).text();
    assert.doesNotMatch(tools, /alphaonly/);
    assert.doesNotMatch(workflows, /alpha-secret/);
    probes += 2;
    // Bravo's credential naming alpha as its tenant: forbidden, whatever the route.
    for (const [method, path] of [
      ['GET', '/v1/tools'],
      ['GET', '/v1/workflows'],
      ['GET', `/v1/jobs/${ids.job}`],
      ['GET', `/v1/runs/${ids.run}`],
      ['GET', '/v1/ping'],
      ['POST', '/v1/jobs'],
      ['POST', '/v1/workflows/alpha-secret/runs'],
    ]) {
      const res = await req(
        method!,
        path!,
        bearer(bob, 'alpha'),
        method === 'POST' ? { model: 'x', messages: [{ role: 'user', content: 'x' }] } : undefined,
      );
      assert.equal(res.status, 403, `${method} ${path}`);
      assert.equal(((await res.json()) as ErrorBody).error.code, 'TENANT_FORBIDDEN');
      probes++;
    }
    // An API key of bravo cannot act for alpha either.
    const { key } = await e2e.admin<{ key: string }>('config.apikey.create', {
      tenantId: 'bravo',
      name: 'k',
      roles: ['admin'],
      actor: 'sec',
    });
    assert.equal((await req('GET', `/v1/jobs/${ids.job}`, { 'x-api-key': key, 'x-tenant-id': 'alpha' })).status, 403);
    assert.equal((await req('GET', `/v1/jobs/${ids.job}`, { 'x-api-key': key, 'x-tenant-id': 'bravo' })).status, 404);
    probes += 2;
    // Over MCP: bravo's session sees neither alpha's upstream nor alpha's job.
    const client = new Client({ name: 'bravo', version: '1' });
    await client.connect(
      new StreamableHTTPClientTransport(new URL('/mcp', e2e.gateway.url), { requestInit: { headers: bearer(bob, 'bravo') } }),
    );
    clients.push(client);
    const names = (await client.listTools()).tools.map((t) => t.name);
    assert.ok(!names.some((n) => n.startsWith('alphaonly__')), names.join(','));
    // Refused either as a tool error or as a JSON-RPC error: never the job.
    const got = await client.callTool({ name: 'get_job', arguments: { jobId: ids.job } }).then(
      (r) => ({ refused: r.isError === true, text: JSON.stringify(r) }),
      (err: Error) => ({ refused: true, text: err.message }),
    );
    assert.ok(got.refused, got.text);
    assert.doesNotMatch(got.text, /llama|alice|succeeded|queued/);
    await assert.rejects(
      client
        .callTool({ name: 'alphaonly__add', arguments: { a: 1, b: 1 } })
        .then((r) => (r.isError ? Promise.reject(new Error('isError')) : r)),
    );
    probes += 3;
    console.log(`tenant isolation: ${probes} cross-tenant probes refused`);
  });

  it('refuses a session id replayed by another principal, another tenant, or after the session ended', async () => {
    const client = new Client({ name: 'alice', version: '1' });
    const transport = new StreamableHTTPClientTransport(new URL('/mcp', e2e.gateway.url), {
      requestInit: { headers: bearer(both, 'alpha') },
    });
    await client.connect(transport);
    const sessionId = transport.sessionId!;
    assert.ok(sessionId);
    const replay = (headers: Record<string, string>, sid = sessionId) =>
      fetch(e2e.url('/mcp'), {
        method: 'POST',
        headers: {
          ...headers,
          'content-type': 'application/json',
          accept: 'application/json, text/event-stream',
          'mcp-session-id': sid,
          'mcp-protocol-version': '2025-11-25',
        },
        body: JSON.stringify({ jsonrpc: '2.0', id: 7, method: 'tools/list' }),
      });
    assert.equal((await replay(bearer(both, 'alpha'))).status, 200);
    assert.equal((await replay(bearer(alice, 'alpha'))).status, 404, 'another principal of the same tenant');
    assert.equal((await replay(bearer(both, 'bravo'))).status, 404, 'same principal, another tenant');
    assert.equal((await replay(bearer(both, 'alpha'), `${sessionId.slice(0, -1)}0`)).status, 404, 'guessed neighbour id');
    assert.equal((await replay(bearer(both, 'alpha'), '../../etc/passwd')).status, 404, 'path-like id');
    await transport.terminateSession();
    await client.close();
    assert.equal((await replay(bearer(both, 'alpha'))).status, 404, 'after DELETE');
  });

  it('blocks DNS rebinding: foreign Origin and foreign Host are refused on /mcp', async () => {
    const init = JSON.stringify({
      jsonrpc: '2.0',
      id: 1,
      method: 'initialize',
      params: { protocolVersion: '2025-11-25', capabilities: {}, clientInfo: { name: 'x', version: '1' } },
    });
    const raw = (host: string, origin?: string) =>
      rawHttp(
        e2e.gateway.port,
        `POST /mcp HTTP/1.1\r\nHost: ${host}\r\nAuthorization: Bearer ${alice}\r\nX-Tenant-ID: alpha\r\nContent-Type: application/json\r\nAccept: application/json, text/event-stream\r\n${origin ? `Origin: ${origin}\r\n` : ''}Content-Length: ${Buffer.byteLength(init)}\r\nConnection: close\r\n\r\n${init}`,
      );
    assert.equal((await raw(`127.0.0.1:${e2e.gateway.port}`)).status, 200);
    assert.equal((await raw(`127.0.0.1:${e2e.gateway.port}`, 'https://app.example.com')).status, 200);
    for (const [host, origin] of [
      ['attacker.example', undefined],
      [`attacker.example:${e2e.gateway.port}`, 'http://attacker.example'],
      [`127.0.0.1:${e2e.gateway.port}`, 'http://attacker.example'],
      [`127.0.0.1:${e2e.gateway.port}`, 'null'],
      [`localhost.attacker.example`, undefined],
    ] as Array<[string, string | undefined]>) {
      const res = await raw(host, origin);
      assert.equal(res.status, 403, `Host ${host} Origin ${origin}: ${res.status} ${res.body.slice(0, 200)}`);
      assert.match(res.body, /"code"/);
    }
  });

  it('cannot be bypassed by spoofed forwarding headers, fresh tokens or many API keys of one tenant', async () => {
    // 'throttled' allows 5 requests a minute for the whole tenant.
    const user = (i: number) => token(`user${i}`, ['throttled'], ['admin']);
    let admitted = 0;
    let limited = 0;
    const keys = await Promise.all(
      [0, 1, 2, 3].map(
        async (i) =>
          (
            await e2e.admin<{ key: string }>('config.apikey.create', {
              tenantId: 'throttled',
              name: `k${i}`,
              roles: ['admin'],
              actor: 'sec',
            })
          ).key,
      ),
    );
    for (let i = 0; i < 24; i++) {
      const spoof = {
        'x-forwarded-for': `10.0.${i}.${i}`,
        'x-real-ip': `10.1.${i}.1`,
        forwarded: `for=10.2.${i}.1`,
        'true-client-ip': `10.3.${i}.1`,
        'cf-connecting-ip': `10.4.${i}.1`,
      };
      const headers =
        i % 2 === 0 ? bearer(user(i), 'throttled', spoof) : { 'x-api-key': keys[i % keys.length]!, 'x-tenant-id': 'throttled', ...spoof };
      const res = await req('GET', '/v1/ping', headers);
      if (res.status === 200) admitted++;
      else {
        assert.equal(res.status, 429, await res.text());
        assert.ok(Number(res.headers.get('retry-after')) >= 1);
        limited++;
      }
    }
    console.log(`rate-limit bypass: ${admitted} admitted, ${limited} limited of 24 spoofed requests`);
    assert.ok(admitted <= 5, `admitted ${admitted} > tenant limit 5`);
    assert.ok(limited >= 19);
    // Another tenant is not starved by the throttled one.
    assert.equal((await req('GET', '/v1/ping', bearer(alice, 'alpha'))).status, 200);
    await assertAlive(e2e);
  });
});
