import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { eventually, NatsTestClient, TestPlatform, type AppProcess } from '#testing';
import { auth, devToken, gatewayEnv, ISSUER, AUDIENCE, onboard, rpc, TestIdentityProvider } from './support.js';

/**
 * The gateway's REST request path against the real apps: mcp-config (tenants, API keys),
 * mcp-policy-proxy (decisions), mcp-orchestrator-api (the forwarded calls), Redis and NATS.
 */
describe('gateway REST path: authentication, tenancy, policy, edge hygiene', () => {
  let platform: TestPlatform;
  let nats: NatsTestClient;
  let gateway: AppProcess;
  const idp = new TestIdentityProvider();
  const admin = devToken('alice', ['acme', 'globex', 'frozen', 'ghost'], ['admin']);

  before(async () => {
    await idp.start();
    platform = await TestPlatform.create();
    await platform.startAll(['mcp-config', 'mcp-policy-proxy', 'mcp-orchestrator-api']);
    nats = await NatsTestClient.connect(platform.namespace.subjectPrefix);
    await onboard(nats, 'acme', ['ml_inference']);
    await onboard(nats, 'globex');
    await onboard(nats, 'frozen');
    await rpc(nats, 'config.tenant.suspend', { tenantId: 'frozen', actor: 'integration-test' });
    gateway = await platform.start(
      'mcp-gateway',
      gatewayEnv(idp, { HTTP_BODY_LIMIT: '4096', CORS_ORIGINS: 'https://app.example.com', POLICY_CACHE_TTL_MS: '600000' }),
    );
  });
  after(async () => {
    await nats?.close();
    await platform?.stop();
    await idp.stop();
  });

  const get = (path: string, headers: Record<string, string> = {}) => fetch(`${gateway.url}${path}`, { headers });

  async function expectError(
    res: Response,
    status: number,
    code: string,
  ): Promise<{ error: { code: string; message: string; details?: Record<string, unknown> }; requestId: string }> {
    const body = (await res.json()) as { error: { code: string; message: string; details?: Record<string, unknown> }; requestId: string };
    assert.equal(res.status, status, JSON.stringify(body));
    assert.equal(body.error.code, code);
    assert.equal(typeof body.requestId, 'string');
    assert.doesNotMatch(JSON.stringify(body), /\n\s+at |stack/i);
    return body;
  }

  it('serves a tenant route for a valid HS256, RS256 and ES256 token', async () => {
    for (const token of [
      admin,
      await idp.sign('RS256', { sub: 'bob', tenants: ['acme'], roles: ['admin'] }),
      await idp.sign('ES256', { sub: 'carol', tenants: ['acme'], roles: ['admin'] }),
    ]) {
      const res = await get('/v1/ping', auth(token, 'acme'));
      assert.equal(res.status, 200, await res.clone().text());
      assert.equal(((await res.json()) as { app: string }).app, 'mcp-orchestrator-api');
    }
  });

  it('forwards tenant routes to the owning apps', async () => {
    const res = await get('/v1/tools', auth(admin, 'acme'));
    assert.equal(res.status, 200, await res.clone().text());
    assert.deepEqual(Object.keys((await res.json()) as object), ['items']);
    const tenant = (await (await get('/v1/tenant', auth(admin, 'acme'))).json()) as { id: string; features: string[] };
    assert.equal(tenant.id, 'acme');
    assert.deepEqual(tenant.features, ['ml_inference']);
    const rules = (await (await get('/v1/policies/rules', auth(admin, 'acme'))).json()) as { rules: Array<{ id: string }> };
    assert.ok(rules.rules.some((r) => r.id === 'acme.admin-all'));
    assert.ok(Array.isArray(((await (await get('/v1/flags', auth(admin, 'acme'))).json()) as { flags: unknown[] }).flags));
  });

  it('answers every authentication failure with the same bare 401 and WWW-Authenticate', async () => {
    const enc = (o: object) => Buffer.from(JSON.stringify(o)).toString('base64url');
    const now = Math.floor(Date.now() / 1000);
    const claims = { sub: 'mallory', iss: ISSUER, aud: AUDIENCE, exp: now + 600, tenants: ['acme'], roles: ['admin'] };
    const pem = idp.rsa.publicKey.export({ type: 'spki', format: 'pem' }) as string;
    const confusionBody = `${enc({ alg: 'HS256', typ: 'JWT', kid: 'rsa-1' })}.${enc(claims)}`;
    const bad: Record<string, string | undefined> = {
      'no token': undefined,
      'not bearer': 'Basic YWxpY2U6cHc=',
      'bad signature': `${admin.slice(0, -4)}AAAA`,
      expired: await idp.sign('RS256', claims, { exp: now - 120 }),
      'wrong audience': await idp.sign('RS256', claims, { aud: 'someone-else' }),
      'alg none': `${enc({ alg: 'none', typ: 'JWT' })}.${enc(claims)}.`,
      'HS256 signed with the RS public key': `${confusionBody}.${createHmac('sha256', pem).update(confusionBody).digest('base64url')}`,
      'unknown kid': await idp.sign('RS256', claims, { kid: 'nope' }),
    };
    for (const [name, value] of Object.entries(bad)) {
      const res = await get('/v1/ping', value ? { authorization: value, 'x-tenant-id': 'acme' } : { 'x-tenant-id': 'acme' });
      const body = await expectError(res, 401, 'UNAUTHENTICATED');
      assert.equal(body.error.message, 'Authentication required', name);
      assert.equal(body.error.details, undefined, name);
      assert.match(
        res.headers.get('www-authenticate') ?? '',
        /^Bearer resource_metadata="http:\/\/.+\/\.well-known\/oauth-protected-resource"$/,
        name,
      );
    }
  });

  it('accepts an API key from mcp-config and refuses it once revoked', async () => {
    const created = await rpc<{ key: string; keyId: string }>(nats, 'config.apikey.create', {
      tenantId: 'acme',
      name: 'ci',
      roles: ['admin'],
      actor: 'integration-test',
    });
    const ok = await get('/v1/ping', { 'x-api-key': created.key, 'x-tenant-id': 'acme' });
    assert.equal(ok.status, 200, await ok.clone().text());
    // The key acts for its own tenant only.
    await expectError(await get('/v1/ping', { 'x-api-key': created.key, 'x-tenant-id': 'globex' }), 403, 'TENANT_FORBIDDEN');
    await rpc(nats, 'config.apikey.revoke', { tenantId: 'acme', keyId: created.keyId, actor: 'integration-test' });
    await eventually(async () => (await get('/v1/ping', { 'x-api-key': created.key, 'x-tenant-id': 'acme' })).status === 401, 5_000);
    await expectError(await get('/v1/ping', { 'x-api-key': `${created.key}x`, 'x-tenant-id': 'acme' }), 401, 'UNAUTHENTICATED');
  });

  it('binds the tenant: missing 400, malformed 400, foreign 403, unknown 403, suspended 403, feature 403', async () => {
    await expectError(await get('/v1/ping', auth(admin)), 400, 'TENANT_REQUIRED');
    await expectError(await get('/v1/ping', auth(admin, 'ACME;drop')), 400, 'TENANT_INVALID');
    await expectError(await get('/v1/ping', auth(devToken('dave', ['globex'], ['admin']), 'acme')), 403, 'TENANT_FORBIDDEN');
    await expectError(await get('/v1/ping', auth(admin, 'ghost')), 403, 'TENANT_UNKNOWN');
    await expectError(await get('/v1/ping', auth(admin, 'frozen')), 403, 'TENANT_SUSPENDED');
    const job = { model: 'tiny', messages: [{ role: 'user', content: 'hi' }] };
    const res = await fetch(`${gateway.url}/v1/jobs`, {
      method: 'POST',
      headers: { ...auth(admin, 'globex'), 'content-type': 'application/json' },
      body: JSON.stringify(job),
    });
    await expectError(res, 403, 'FEATURE_DISABLED');
  });

  it('sees a suspension made after start through config events', async () => {
    assert.equal((await get('/v1/ping', auth(admin, 'globex'))).status, 200);
    await rpc(nats, 'config.tenant.suspend', { tenantId: 'globex', actor: 'integration-test' });
    await eventually(async () => (await get('/v1/ping', auth(admin, 'globex'))).status === 403, 5_000);
    await rpc(nats, 'config.tenant.resume', { tenantId: 'globex', actor: 'integration-test' });
    await eventually(async () => (await get('/v1/ping', auth(admin, 'globex'))).status === 200, 5_000);
  });

  it('denies by policy with the reason code', async () => {
    const member = devToken('erin', ['acme'], ['member']);
    const body = await expectError(await get('/v1/ping', auth(member, 'acme')), 403, 'POLICY_DENIED');
    assert.equal(typeof body.error.details?.['reason'], 'string');
    assert.notEqual(body.error.details?.['reason'], 'allowed');
  });

  it('drops cached decisions when the policy changes, long before their TTL', async () => {
    const member = devToken('frank', ['acme'], ['member']);
    await expectError(await get('/v1/ping', auth(member, 'acme')), 403, 'POLICY_DENIED');
    const res = await fetch(`${gateway.url}/v1/policies/rules`, {
      method: 'POST',
      headers: { ...auth(admin, 'acme'), 'content-type': 'application/json' },
      body: JSON.stringify({ id: 'acme.member-ping', subject: 'member', resource: 'platform', action: 'GET', effect: 'allow' }),
    });
    assert.equal(res.status, 201, await res.clone().text());
    await eventually(async () => (await get('/v1/ping', auth(member, 'acme'))).status === 200, 5_000);
  });

  it('administers through the gateway: onboarding for platform admins only, API keys inside the tenant', async () => {
    const post = (path: string, token: string, body: unknown, tenant?: string) =>
      fetch(`${gateway.url}${path}`, {
        method: 'POST',
        headers: { ...auth(token, tenant), 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
    await expectError(await post('/v1/tenants', admin, { tenantId: 'initech', name: 'Initech' }), 403, 'FORBIDDEN');
    const ops = devToken('ops', [], ['platform-admin']);
    const created = await post('/v1/tenants', ops, { tenantId: 'initech', name: 'Initech' });
    assert.equal(created.status, 201, await created.clone().text());
    const key = await post('/v1/api-keys', admin, { name: 'robot', roles: ['admin'] }, 'acme');
    assert.equal(key.status, 201, await key.clone().text());
    const { key: raw } = (await key.json()) as { key: string };
    assert.equal((await get('/v1/ping', { 'x-api-key': raw, 'x-tenant-id': 'acme' })).status, 200);
  });

  it('validates bodies with field paths, limits their size, and echoes the request id', async () => {
    const post = (body: string, headers: Record<string, string> = {}) =>
      fetch(`${gateway.url}/v1/jobs`, {
        method: 'POST',
        headers: { ...auth(admin, 'acme'), 'content-type': 'application/json', ...headers },
        body,
      });
    const invalid = await expectError(
      await post(JSON.stringify({ model: 'bad model!', messages: [{ role: 'robot' }], extra: 1 })),
      400,
      'VALIDATION_FAILED',
    );
    const paths = (invalid.error.details?.['fields'] as Array<{ path: string }>).map((f) => f.path).sort();
    assert.deepEqual(paths, ['/extra', '/messages/0/content', '/messages/0/role', '/model']);
    await expectError(
      await post(JSON.stringify({ model: 'm', messages: [{ role: 'user', content: 'x'.repeat(8000) }] })),
      413,
      'PAYLOAD_TOO_LARGE',
    );
    const res = await get('/v1/ping', { ...auth(admin, 'acme'), 'x-request-id': 'trace-me-42' });
    assert.equal(res.headers.get('x-request-id'), 'trace-me-42');
  });

  it('sends security headers on answers and errors alike, and CORS only for configured origins', async () => {
    for (const res of [await get('/v1/ping', auth(admin, 'acme')), await get('/v1/ping'), await get('/nowhere')]) {
      assert.match(res.headers.get('content-security-policy') ?? '', /default-src 'none'/);
      assert.match(res.headers.get('strict-transport-security') ?? '', /max-age=\d+/);
      assert.equal(res.headers.get('x-frame-options'), 'DENY');
      assert.equal(res.headers.get('x-content-type-options'), 'nosniff');
    }
    const preflight = (origin: string) =>
      fetch(`${gateway.url}/v1/tools`, {
        method: 'OPTIONS',
        headers: { origin, 'access-control-request-method': 'GET', 'access-control-request-headers': 'authorization,x-tenant-id' },
      });
    assert.equal((await preflight('https://app.example.com')).headers.get('access-control-allow-origin'), 'https://app.example.com');
    assert.equal((await preflight('https://evil.example')).headers.get('access-control-allow-origin'), null);
  });

  it('publishes OpenAPI describing the routes, their auth and their errors; health and metrics need no token', async () => {
    const doc = (await (await get('/docs-json')).json()) as {
      paths: Record<string, Record<string, { responses: Record<string, unknown>; security?: unknown[] }>>;
      components: { securitySchemes: Record<string, unknown> };
    };
    for (const path of [
      '/v1/ping',
      '/v1/tools',
      '/v1/jobs',
      '/v1/jobs/{jobId}',
      '/v1/workflows',
      '/v1/workflows/{workflow}/runs',
      '/v1/runs/{runId}',
      '/v1/status/{app}',
      '/mcp',
    ]) {
      assert.ok(doc.paths[path], `${path} documented`);
    }
    assert.ok(doc.paths['/v1/tools']!['get']!.responses['429']);
    assert.ok(doc.paths['/v1/tools']!['get']!.security);
    assert.ok(doc.components.securitySchemes['bearer'] && doc.components.securitySchemes['apiKey']);
    assert.equal((await get('/docs')).status, 200);
    assert.equal((await get('/health/ready')).status, 200);
    assert.equal((await get('/metrics')).status, 200);
    const meta = (await (await get('/.well-known/oauth-protected-resource')).json()) as {
      resource: string;
      authorization_servers: string[];
    };
    assert.deepEqual(meta.authorization_servers, [ISSUER]);
    assert.match(meta.resource, /\/mcp$/);
  });
});
