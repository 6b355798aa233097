import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { eventually } from '#testing';
import { bearer, E2EPlatform, token, type ErrorBody } from './platform.js';

/**
 * A tenant's life on the whole platform, driven through the gateway as a user would: REST with a JWT
 * or an API key, MCP with the official SDK client; administration through the gateway's admin routes
 * with a platform-admin token. The two operator steps the gateway has no route for (removing a policy
 * rule, changing a tenant's features) go over the operator's NATS link.
 */
describe('e2e: a tenant from onboarding to suspension, through the gateway', () => {
  let e2e: E2EPlatform;
  const tenant = 'journey';
  const alice = token('alice', [tenant], ['admin']);
  const operator = token('operator', [], ['platform-admin']);
  const clients: Client[] = [];
  let apiKey = '';

  before(async () => {
    e2e = await E2EPlatform.boot({ tracing: true });
  });
  after(async () => {
    for (const c of clients) await c.close().catch(() => undefined);
    await e2e?.stop();
  });

  const get = (path: string, headers: Record<string, string>) => fetch(e2e.url(path), { headers });
  const post = (path: string, headers: Record<string, string>, body: unknown) =>
    fetch(e2e.url(path), { method: 'POST', headers: { ...headers, 'content-type': 'application/json' }, body: JSON.stringify(body) });

  async function expectError(res: Response, status: number, code: string): Promise<ErrorBody> {
    const body = (await res.json()) as ErrorBody;
    assert.equal(res.status, status, JSON.stringify(body));
    assert.equal(body.error.code, code);
    return body;
  }

  async function mcp(jwt: string): Promise<Client> {
    const client = new Client({ name: 'e2e-user', version: '1.0.0' });
    await client.connect(
      new StreamableHTTPClientTransport(new URL('/mcp', e2e.gateway.url), { requestInit: { headers: bearer(jwt, tenant) } }),
    );
    clients.push(client);
    return client;
  }

  const text = (r: unknown) => ((r as CallToolResult).content[0] as { text: string }).text;

  it('onboards the tenant; unknown before, served after', async () => {
    await expectError(await get('/v1/ping', bearer(alice, tenant)), 403, 'TENANT_UNKNOWN');
    const onboarded = await post('/v1/tenants', bearer(operator), {
      tenantId: tenant,
      name: 'Journey Inc',
      features: ['ml_inference'],
      limits: { requests_per_minute: 100_000, concurrent_contexts: 10 },
    });
    assert.ok(onboarded.ok, `${onboarded.status} ${await onboarded.clone().text()}`);
    const res = await eventually(async () => {
      const r = await get('/v1/ping', bearer(alice, tenant));
      return r.status === 200 ? r : undefined;
    }, 10_000);
    assert.equal(((await res.json()) as { app: string }).app, 'mcp-orchestrator-api');
  });

  it('accepts a minted JWT and an API key of the tenant, and nothing else', async () => {
    const createdRes = await post('/v1/api-keys', bearer(alice, tenant), { name: 'e2e-ci', roles: ['admin'] });
    assert.ok(createdRes.ok, `${createdRes.status} ${await createdRes.clone().text()}`);
    const created = (await createdRes.json()) as { key: string; keyId: string };
    apiKey = created.key;
    assert.equal((await get('/v1/tools', { 'x-api-key': apiKey, 'x-tenant-id': tenant })).status, 200);
    assert.equal((await get('/v1/tools', bearer(alice, tenant))).status, 200);
    await expectError(await get('/v1/tools', bearer(token('alice', [tenant], ['admin'], -60), tenant)), 401, 'UNAUTHENTICATED');
    await expectError(await get('/v1/tools', { 'x-api-key': `${apiKey}0`, 'x-tenant-id': tenant }), 401, 'UNAUTHENTICATED');
  });

  it('registers an upstream MCP server and lists and calls its tools over MCP with the SDK client', async () => {
    const registered = await post('/v1/servers', bearer(alice, tenant), { server: 'counter', url: e2e.counter!.url });
    assert.ok(registered.ok, `${registered.status} ${await registered.clone().text()}`);
    const rest = (await (await get('/v1/tools', bearer(alice, tenant))).json()) as { items: Array<{ qualifiedName: string }> };
    assert.ok(
      rest.items.some((t) => t.qualifiedName === 'counter__add'),
      JSON.stringify(rest),
    );
    const client = await mcp(alice);
    const names = (await client.listTools()).tools.map((t) => t.name);
    for (const n of ['counter__add', 'counter__count', 'run_workflow', 'submit_inference_job'])
      assert.ok(names.includes(n), `${n} in ${names.join(',')}`);
    const sum = await client.callTool({ name: 'counter__add', arguments: { a: 20, b: 22 } });
    assert.deepEqual(JSON.parse(text(sum)), { sum: 42 });
  });

  it('runs a two-step workflow over REST and follows it to success', async () => {
    const createdWorkflow = await post('/v1/workflows', bearer(alice, tenant), {
      name: 'sum-twice',
      definition: {
        steps: [
          { id: 'first', kind: 'tool', tool: { server: 'counter', name: 'add' }, input: { a: { $ref: 'input.x' }, b: 1 } },
          {
            id: 'second',
            kind: 'tool',
            tool: { server: 'counter', name: 'add' },
            dependsOn: ['first'],
            input: { a: { $ref: 'steps.first.output.sum' }, b: 100 },
          },
        ],
        output: { total: { $ref: 'steps.second.output.sum' } },
      },
    });
    assert.ok(createdWorkflow.ok, `${createdWorkflow.status} ${await createdWorkflow.clone().text()}`);
    const retrySafe = bearer(alice, tenant, { 'idempotency-key': 'journey-run-1' });
    const started = await post('/v1/workflows/sum-twice/runs', retrySafe, { input: { x: 41 } });
    assert.equal(started.status, 202, await started.clone().text());
    const { id } = (await started.json()) as { id: string };
    // A client that lost the answer sends the same request again: it gets the same run, not a second one.
    const retried = await post('/v1/workflows/sum-twice/runs', retrySafe, { input: { x: 41 } });
    assert.equal(retried.status, 202);
    assert.equal(((await retried.json()) as { id: string }).id, id);
    const reused = await post('/v1/workflows/sum-twice/runs', retrySafe, { input: { x: 1 } });
    assert.equal(reused.status, 409);
    assert.equal(((await reused.json()) as ErrorBody).error.details?.reason, 'idempotency-key-reused');
    const malformed = await post('/v1/workflows/sum-twice/runs', bearer(alice, tenant, { 'idempotency-key': 'x'.repeat(256) }), {});
    assert.equal(malformed.status, 400);
    const done = await eventually(
      async () => {
        const r = (await (await get(`/v1/runs/${id}`, bearer(alice, tenant))).json()) as {
          status: string;
          output: unknown;
          steps?: Array<{ status: string }>;
        };
        return r.status !== 'running' ? r : undefined;
      },
      30_000,
      200,
    );
    assert.equal(done.status, 'succeeded', JSON.stringify(done));
    assert.deepEqual(
      done.steps?.map((s) => s.status),
      ['succeeded', 'succeeded'],
    );
    assert.deepEqual(done.output, { total: 142 });
  });

  it('submits an inference job, gets its result, and reads its trace from tracehub', async () => {
    const traceId = randomBytes(16).toString('hex');
    const traceparent = `00-${traceId}-${randomBytes(8).toString('hex')}-01`;
    const res = await post('/v1/jobs', bearer(alice, tenant, { traceparent }), {
      model: 'llama-3.2-3b',
      messages: [{ role: 'user', content: 'Say hello' }],
      maxOutputTokens: 16,
      wait: true,
      waitTimeoutMs: 30_000,
    });
    const job = (await res.json()) as { id: string; status: string; output: { content: string } | null; placement: unknown };
    assert.equal(res.status, 202, JSON.stringify(job));
    assert.equal(job.status, 'succeeded', JSON.stringify(job));
    assert.ok(job.output && job.output.content.length > 0);
    assert.ok(job.placement);
    const again = (await (await get(`/v1/jobs/${job.id}`, bearer(alice, tenant))).json()) as { id: string; status: string };
    assert.deepEqual([again.id, again.status], [job.id, 'succeeded']);
    // One trace spans the gateway and the orchestrator it forwarded to (W3C context over NATS headers).
    const trace = await e2e.waitForTrace(traceId, ['mcp-gateway', 'mcp-orchestrator-api']);
    assert.ok(trace.spans.length >= 2);
    assert.ok(trace.spans.every((s: { traceID: string }) => s.traceID === traceId));
    // The tenant reads the same trace through the gateway: tenant-scoped, so this only works because
    // the request's spans, in every app, carry the tenant.
    const own = await eventually(
      async () => {
        const r = await get(`/v1/traces/${traceId}`, bearer(alice, tenant));
        return r.status === 200 ? r : undefined;
      },
      15_000,
      250,
    );
    const ownTrace = await own.text();
    assert.match(ownTrace, new RegExp(traceId));
    assert.match(ownTrace, /mcp-orchestrator-api/);
  });

  it('applies a policy change: a deny rule takes effect, and its removal restores access', async () => {
    assert.equal((await get('/v1/tools', bearer(alice, tenant))).status, 200);
    const ruleAdded = await post('/v1/policies/rules', bearer(alice, tenant), {
      id: 'journey.e2e-no-tools',
      subject: 'admin',
      resource: 'tool',
      action: 'GET',
      effect: 'deny',
      reason: 'e2e_tools_frozen',
    });
    assert.ok(ruleAdded.ok, `${ruleAdded.status} ${await ruleAdded.clone().text()}`);
    const denied = await eventually(
      async () => {
        const r = await get('/v1/tools', bearer(alice, tenant));
        return r.status === 403 ? r : undefined;
      },
      10_000,
      100,
    );
    const body = await expectError(denied, 403, 'POLICY_DENIED');
    assert.equal(body.error.details?.['reason'], 'e2e_tools_frozen');
    // The rule is about tools only.
    assert.equal((await get('/v1/ping', bearer(alice, tenant))).status, 200);
    await e2e.admin('policy.rule.remove', { actor: 'e2e-operator', domain: tenant, id: 'journey.e2e-no-tools' });
    await eventually(async () => (await get('/v1/tools', bearer(alice, tenant))).status === 200, 10_000, 100);
  });

  it('applies a feature change: without ml_inference the tenant cannot submit jobs', async () => {
    const current = await e2e.admin<{ version: number }>('config.tenant.get', { tenantId: tenant });
    await e2e.admin('config.tenant.update', { tenantId: tenant, expectedVersion: current.version, features: [], actor: 'e2e-operator' });
    const job = { model: 'tiny-llm', messages: [{ role: 'user', content: 'hi' }] };
    const refused = await eventually(
      async () => {
        const r = await post('/v1/jobs', bearer(alice, tenant), job);
        return r.status === 403 ? r : undefined;
      },
      10_000,
      100,
    );
    await expectError(refused, 403, 'FEATURE_DISABLED');
  });

  it('suspends the tenant: REST, API key and MCP are all denied', async () => {
    const suspended = await post(`/v1/tenants/${tenant}/suspend`, bearer(operator), { reason: 'e2e' });
    assert.ok(suspended.ok, `${suspended.status} ${await suspended.clone().text()}`);
    const refused = await eventually(
      async () => {
        const r = await get('/v1/ping', bearer(alice, tenant));
        return r.status === 403 ? r : undefined;
      },
      10_000,
      100,
    );
    await expectError(refused, 403, 'TENANT_SUSPENDED');
    await expectError(await get('/v1/tools', { 'x-api-key': apiKey, 'x-tenant-id': tenant }), 403, 'TENANT_SUSPENDED');
    const mcpInit = await post(
      '/mcp',
      { ...bearer(alice, tenant), accept: 'application/json, text/event-stream' },
      {
        jsonrpc: '2.0',
        id: 1,
        method: 'initialize',
        params: { protocolVersion: '2025-11-25', capabilities: {}, clientInfo: { name: 'e2e', version: '1' } },
      },
    );
    assert.equal(mcpInit.status, 403);
    // An MCP session opened before the suspension is refused too.
    const open = clients[0]!;
    await assert.rejects(open.listTools());
  });
});
