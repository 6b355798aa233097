import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { bearer, E2EPlatform, token } from '../e2e/platform.js';
import { assertAlive, platformState, rawHttp } from './support.js';
import { processEnvironment } from '#env';

/** The gateway's HTTP_BODY_LIMIT default (libs/env runtimeEnv). */
const GATEWAY_BODY_LIMIT = 1_048_576;

// Seeded so a failure replays; FUZZ_SEED varies it between runs, FUZZ_RUNS scales it.
const SEED = Number(processEnvironment()['FUZZ_SEED'] ?? 20261126);
const RUNS = Number(processEnvironment()['FUZZ_RUNS'] ?? 40);

const HOSTILE_IDS = [
  '../../etc/passwd',
  '..%2F..%2Fetc%2Fpasswd',
  '....//....//etc/passwd',
  "'; DROP SCHEMA public CASCADE; --",
  '"; DROP TABLE tenants; --',
  'tenant_x"; DROP SCHEMA tenant_x; --',
  'public',
  'pg_catalog',
  'information_schema',
  'pg_toast',
  'tenant_',
  '__proto__',
  'constructor',
  'prototype',
  '$ne',
  '*',
  '%00',
  '\u0000',
  '\uFEFF',
  '\u202Eevil',
  'ＡＣＭＥ',
  'İstanbul',
  'a'.repeat(300),
  '1e309',
  '-1',
  '00000000-0000-4000-8000-000000000000',
  '00000000-0000-4000-8000-00000000000G',
];

const hostileString = fc.oneof(
  fc.constantFrom(...HOSTILE_IDS),
  fc.string({ unit: 'grapheme', maxLength: 64 }),
  fc.string({ unit: 'binary', maxLength: 64 }),
  fc.string({ unit: 'grapheme-ascii', minLength: 1, maxLength: 64 }),
);

/** Tenant ids a caller might craft to reach another schema or inject SQL where the id becomes a name. */
const hostileTenant = fc.oneof(
  fc.constantFrom(
    'fuzzco;drop',
    'FUZZCO',
    'fuzzco ',
    ' fuzzco',
    'fuzzco\t',
    'public',
    'pg_catalog',
    'tenant_fuzzco',
    'fuzzco--',
    "fuzzco'",
    'fuzzco"',
    'fuzzco,other',
    'fuzzco/../other',
    'a'.repeat(64),
    '',
    '0',
    '_',
    'fuzz\u00e7o',
  ),
  fc.string({ unit: 'grapheme-ascii', maxLength: 40 }),
);

function deep(n: number, kind: 'array' | 'object'): string {
  return kind === 'array' ? `${'['.repeat(n)}${']'.repeat(n)}` : `${'{"a":'.repeat(n)}1${'}'.repeat(n)}`;
}

const hostileBody = fc.oneof(
  { weight: 3, arbitrary: fc.jsonValue({ maxDepth: 4 }).map((v) => ({ text: JSON.stringify(v), type: 'application/json' })) },
  { weight: 2, arbitrary: fc.string({ unit: 'binary', maxLength: 200 }).map((text) => ({ text, type: 'application/json' })) },
  {
    weight: 2,
    arbitrary: fc
      .constantFrom(
        '{',
        '{"model":',
        '[',
        '"',
        'nul',
        '{"a":1,}',
        '{"a":NaN}',
        '{"__proto__":{"admin":true}}',
        '{"constructor":{"prototype":{"x":1}}}',
        '\u0000',
        '{}'.repeat(3),
      )
      .map((text) => ({ text, type: 'application/json' })),
  },
  {
    weight: 1,
    arbitrary: fc
      .constantFrom(200, 5_000, 50_000)
      .chain((n) => fc.constantFrom(deep(n, 'array'), deep(n, 'object')))
      .map((text) => ({ text, type: 'application/json' })),
  },
  {
    weight: 1,
    arbitrary: fc.constant({
      text: JSON.stringify({ model: 'm', messages: [{ role: 'user', content: 'x'.repeat(3 * 1024 * 1024) }] }),
      type: 'application/json',
    }),
  },
  {
    weight: 2,
    arbitrary: fc
      .record(
        {
          model: fc.oneof(hostileString, fc.integer(), fc.constant(null), fc.array(fc.string(), { maxLength: 3 })),
          messages: fc.oneof(
            fc.constant([]),
            fc.array(
              fc.record({
                role: fc.oneof(fc.constantFrom('user', 'system', 'tool'), hostileString),
                content: fc.oneof(hostileString, fc.integer(), fc.object()),
              }),
              { maxLength: 3 },
            ),
            hostileString,
          ),
          version: fc.oneof(fc.integer(), fc.double(), hostileString),
          input: fc.oneof(fc.object(), hostileString, fc.constant(null)),
          priority: fc.oneof(fc.integer(), fc.constant(1e308), fc.constant(-1)),
        },
        { requiredKeys: [] },
      )
      .map((v) => ({ text: JSON.stringify(v), type: 'application/json' })),
  },
  {
    weight: 1,
    arbitrary: fc
      .constantFrom(
        'text/plain',
        'application/x-www-form-urlencoded',
        'multipart/form-data; boundary=x',
        'application/json; charset=utf-16',
        'application/xml',
      )
      .map((type) => ({ text: 'a=1&b=2', type })),
  },
);

interface Operation {
  method: string;
  path: string;
}

/**
 * Property-based hostile input against every public REST route the gateway documents and its MCP
 * endpoint: no 5xx, no crash, the typed error shape on every refusal, and no state change.
 */
describe('security: hostile input (fast-check) on every public route', () => {
  let e2e: E2EPlatform;
  let operations: Operation[] = [];
  let cases = 0;
  const jwt = token('fuzzer', ['fuzzco'], ['admin']);

  before(async () => {
    e2e = await E2EPlatform.boot({ upstreams: false, env: { 'mcp-gateway': { RATE_LIMIT_CLIENT_PER_MIN: '10000000' } } });
    await e2e.onboard('fuzzco', ['ml_inference'], 10_000_000);
    await e2e.onboard('bystander', ['ml_inference'], 10_000_000);
    const doc = (await (await fetch(e2e.url('/docs-json'))).json()) as { paths: Record<string, Record<string, unknown>> };
    operations = Object.entries(doc.paths).flatMap(([path, ops]) =>
      Object.keys(ops)
        .filter((m) => ['get', 'post', 'put', 'patch', 'delete'].includes(m))
        .map((method) => ({ method: method.toUpperCase(), path })),
    );
  });
  after(async () => {
    console.log(`hostile input: ${cases} cases run against ${operations.length} documented operations`);
    await e2e?.stop();
  });

  /** A refusal must be a typed JSON error without internals; anything else must not be a 5xx. */
  async function check(res: Response, what: string): Promise<void> {
    cases++;
    const text = await res.text();
    assert.ok(res.status < 500, `${what} → ${res.status} ${text.slice(0, 300)}`);
    assert.doesNotMatch(text, /\n\s+at |node_modules|\/work\/|stack/i, `${what} leaked internals: ${text.slice(0, 300)}`);
    const type = res.headers.get('content-type') ?? '';
    if (res.status >= 400 && type.includes('application/json')) {
      const body = JSON.parse(text) as { jsonrpc?: string; error?: { code?: unknown; message?: unknown } };
      // The platform's error body, or on /mcp a JSON-RPC error (numeric code) as the MCP transport answers.
      assert.equal(typeof body.error?.code, body.jsonrpc === '2.0' ? 'number' : 'string', `${what}: ${text.slice(0, 300)}`);
      assert.equal(typeof body.error?.message, 'string', `${what}: ${text.slice(0, 300)}`);
    }
  }

  it('finds the documented operations', () => {
    assert.ok(operations.length >= 8, JSON.stringify(operations));
    assert.ok(operations.some((o) => o.path === '/mcp'));
  });

  it('survives hostile path ids, tenant ids and bodies on every REST operation, without changing state', async () => {
    const before = await platformState(e2e);
    for (const op of operations.filter((o) => o.path !== '/mcp')) {
      await fc.assert(
        fc.asyncProperty(
          fc.array(hostileString, { minLength: 3, maxLength: 3 }),
          fc.oneof(fc.constant('fuzzco'), hostileTenant),
          hostileBody,
          fc.constantFrom('jwt', 'none', 'garbage'),
          async (ids, tenant, body, credential) => {
            let i = 0;
            const path = op.path.replace(/\{[^}]+\}/g, () => encodeURIComponent(ids[i++]!));
            const headers: Record<string, string> = {};
            if (credential === 'jwt') Object.assign(headers, bearer(jwt));
            if (credential === 'garbage') headers['authorization'] = `Bearer ${ids[0]!.replace(/[^\x20-\x7e]/g, '')}`;
            if (/^[\x20-\x7e]*$/.test(tenant)) headers['x-tenant-id'] = tenant;
            const hasBody = op.method !== 'GET' && op.method !== 'DELETE';
            if (hasBody) headers['content-type'] = body.type;
            let res: Response;
            try {
              res = await fetch(e2e.url(path), {
                method: op.method,
                headers,
                ...(hasBody ? { body: body.text } : {}),
                signal: AbortSignal.timeout(15_000),
              });
            } catch (err) {
              // Over the body limit the gateway answers 413 from the Content-Length alone and closes
              // the connection while the client is still writing; undici then reports the broken
              // pipe instead of the response. That is a refusal, not a failure (413 itself is
              // asserted in test/integration/gateway); anything else is.
              const code = ((err as Error).cause as { code?: string } | undefined)?.code;
              if (hasBody && Buffer.byteLength(body.text) > GATEWAY_BODY_LIMIT && (code === 'EPIPE' || code === 'ECONNRESET')) return;
              throw err;
            }
            await check(res, `${op.method} ${path} tenant=${JSON.stringify(tenant)} body=${body.text.slice(0, 80)}`);
          },
        ),
        { numRuns: RUNS, seed: SEED, endOnFailure: true },
      );
    }
    await assertAlive(e2e);
    assert.equal(await platformState(e2e), before, 'a rejected request changed tenants or schemas');
  });

  it('answers raw path traversal, header injection and bad framing with a 4xx', async () => {
    const port = e2e.gateway.port;
    const auth = `Authorization: Bearer ${jwt}\r\n`;
    const requests = [
      `GET /v1/jobs/../../../etc/passwd HTTP/1.1\r\nHost: x\r\n${auth}X-Tenant-ID: fuzzco\r\nConnection: close\r\n\r\n`,
      `GET /v1/runs/..%2f..%2f..%2fetc%2fpasswd HTTP/1.1\r\nHost: x\r\n${auth}X-Tenant-ID: fuzzco\r\nConnection: close\r\n\r\n`,
      `GET /v1/jobs/%2e%2e%2f%2e%2e%2fadmin HTTP/1.1\r\nHost: x\r\n${auth}X-Tenant-ID: fuzzco\r\nConnection: close\r\n\r\n`,
      `GET /v1/jobs/x%00y HTTP/1.1\r\nHost: x\r\n${auth}X-Tenant-ID: fuzzco\r\nConnection: close\r\n\r\n`,
      `GET /v1/ping HTTP/1.1\r\nHost: x\r\n${auth}X-Tenant-ID: fuzzco\r\nX-Injected: a\rSet-Cookie: pwned=1\r\nConnection: close\r\n\r\n`,
      `GET /v1/ping HTTP/1.1\r\nHost: x\r\n${auth}X-Tenant-ID: fuzzco\nX-Tenant-ID: bystander\r\nConnection: close\r\n\r\n`,
      `GET /v1/ping HTTP/1.1\r\nHost: x\r\n${auth}X-Tenant-ID: fuzzco\r\nX-Tenant-ID: bystander\r\nConnection: close\r\n\r\n`,
      `GET /v1/ping HTTP/1.1\r\nHost: x\r\n${auth}X-Tenant-ID: fuzzco\x00bystander\r\nConnection: close\r\n\r\n`,
      `POST /v1/jobs HTTP/1.1\r\nHost: x\r\n${auth}X-Tenant-ID: fuzzco\r\nContent-Type: application/json\r\nContent-Length: 10\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n0\r\n\r\n`,
      `POST /v1/jobs HTTP/1.1\r\nHost: x\r\n${auth}X-Tenant-ID: fuzzco\r\nContent-Type: application/json\r\nContent-Length: 99999\r\nConnection: close\r\n\r\n{"model":"m"}`,
      `GET /v1/ping HTTP/1.1\r\nHost: x\r\n${auth}X-Tenant-ID: ${'a'.repeat(20_000)}\r\nConnection: close\r\n\r\n`,
    ];
    for (const request of requests) {
      const res = await rawHttp(port, request, 8_000).catch((err: Error) => ({ status: 0, head: '', body: err.message }));
      cases++;
      // 0: the server closed the connection without answering (its parser refused the request): also safe.
      assert.ok(
        res.status === 0 || (res.status >= 400 && res.status < 500),
        `${JSON.stringify(request.slice(0, 100))} → ${res.status} ${res.body.slice(0, 200)}`,
      );
      assert.doesNotMatch(res.head, /set-cookie: pwned/i);
    }
    // A header carrying two tenants never acts for the second one.
    await assertAlive(e2e);
  });

  it('survives hostile JSON-RPC on /mcp', async () => {
    const before = await platformState(e2e);
    const methods = [
      'initialize',
      'tools/list',
      'tools/call',
      'resources/read',
      'prompts/get',
      'completion/complete',
      'logging/setLevel',
      'notifications/cancelled',
      'ping',
      '$/x',
      'rpc.discover',
    ];
    const message = fc.record(
      {
        jsonrpc: fc.oneof(fc.constant('2.0'), fc.constant('1.0'), fc.constant(2), fc.constant(null)),
        id: fc.oneof(fc.integer(), hostileString, fc.constant(null), fc.object({ maxDepth: 1 })),
        method: fc.oneof(fc.constantFrom(...methods), hostileString),
        params: fc.oneof(
          fc.object({ maxDepth: 3 }),
          fc.record({
            name: fc.oneof(fc.constantFrom('submit_inference_job', 'get_job', 'run_workflow', 'list_tools', 'x__y'), hostileString),
            arguments: fc.oneof(fc.object({ maxDepth: 2 }), hostileString),
          }),
          fc.record({
            protocolVersion: fc.oneof(fc.constantFrom('2025-11-25', '2024-11-05', '1999-01-01'), hostileString),
            capabilities: fc.object({ maxDepth: 2 }),
            clientInfo: fc.object({ maxDepth: 1 }),
          }),
          hostileString,
        ),
      },
      { requiredKeys: [] },
    );
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(
          message.map((m) => JSON.stringify(m)),
          fc.array(message, { maxLength: 5 }).map((m) => JSON.stringify(m)),
          fc.string({ unit: 'binary', maxLength: 100 }),
          fc.constantFrom(deep(20_000, 'array'), deep(20_000, 'object')),
        ),
        fc.option(
          hostileString.map((s) => s.replace(/[^\x21-\x7e]/g, '')),
          { nil: undefined },
        ),
        fc.constantFrom('application/json, text/event-stream', 'application/json', 'text/event-stream', '*/*', 'text/html'),
        async (text, sessionId, accept) => {
          const headers: Record<string, string> = { ...bearer(jwt, 'fuzzco'), 'content-type': 'application/json', accept };
          if (sessionId) headers['mcp-session-id'] = sessionId;
          const res = await fetch(e2e.url('/mcp'), { method: 'POST', headers, body: text, signal: AbortSignal.timeout(15_000) });
          await check(res, `POST /mcp ${text.slice(0, 120)}`);
        },
      ),
      { numRuns: RUNS * 5, seed: SEED, endOnFailure: true },
    );
    for (const method of ['GET', 'DELETE', 'PUT', 'PATCH']) {
      const res = await fetch(e2e.url('/mcp'), {
        method,
        headers: { ...bearer(jwt, 'fuzzco'), 'mcp-session-id': 'no-such-session', accept: 'text/event-stream' },
        signal: AbortSignal.timeout(15_000),
      });
      await check(res, `${method} /mcp`);
    }
    await assertAlive(e2e);
    assert.equal(await platformState(e2e), before);
  });
});
