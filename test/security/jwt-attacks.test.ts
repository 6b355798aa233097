import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createHmac, generateKeyPairSync } from 'node:crypto';
import { exportJWK, SignJWT } from 'jose';
import { AUDIENCE, E2EPlatform, HS_SECRET, ISSUER, token, type ErrorBody } from '../e2e/platform.js';
import { assertAlive, JwksServer, rawHttp } from './support.js';

const enc = (o: object) => Buffer.from(JSON.stringify(o)).toString('base64url');
const hs256 = (secret: string | Buffer, header: object, claims: object) => {
  const body = `${enc(header)}.${enc(claims)}`;
  return `${body}.${createHmac('sha256', secret).update(body).digest('base64url')}`;
};

/** Tokens an attacker can forge or replay, against the gateway with both HS256 (dev) and a JWKS configured. */
describe('security: JWT attacks on the gateway', () => {
  let e2e: E2EPlatform;
  const jwks = new JwksServer();
  const tenant = 'jwtco';

  before(async () => {
    await jwks.start();
    e2e = await E2EPlatform.boot({ upstreams: false, env: { 'mcp-gateway': { AUTH_JWKS_URL: jwks.url } } });
    await e2e.onboard(tenant);
  });
  after(async () => {
    await e2e?.stop();
    await jwks.stop();
  });

  const now = () => Math.floor(Date.now() / 1000);
  const claims = (extra: Record<string, unknown> = {}) => ({
    sub: 'mallory',
    iss: ISSUER,
    aud: AUDIENCE,
    iat: now(),
    exp: now() + 600,
    tenants: [tenant],
    roles: ['admin'],
    ...extra,
  });
  const rs256 = (c: Record<string, unknown>, header: Record<string, unknown> = {}) =>
    new SignJWT(c).setProtectedHeader({ alg: 'RS256', kid: 'rsa-1', ...header }).sign(jwks.rsa.privateKey);

  async function ping(authorization: string): Promise<Response> {
    return fetch(e2e.url('/v1/ping'), { headers: { authorization, 'x-tenant-id': tenant } });
  }

  it('accepts the genuine tokens (so every refusal below is about the attack)', async () => {
    assert.equal((await ping(`Bearer ${token('alice', [tenant], ['admin'])}`)).status, 200);
    assert.equal((await ping(`Bearer ${await rs256(claims())}`)).status, 200);
  });

  it('refuses every forged, replayed or malformed token with one bare 401', async () => {
    const pem = jwks.rsa.publicKey.export({ type: 'spki', format: 'pem' }) as string;
    const der = jwks.rsa.publicKey.export({ type: 'spki', format: 'der' });
    const attacker = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const attackerJwk = await exportJWK(attacker.publicKey);
    const genuine = token('alice', [tenant], ['admin']);
    const [gh, gp, gs] = genuine.split('.') as [string, string, string];
    const tamperedPayload = enc({ ...JSON.parse(Buffer.from(gp, 'base64url').toString()), roles: ['platform-admin'], tenants: ['*'] });
    const cases: Record<string, string> = {
      'alg none': `${enc({ alg: 'none', typ: 'JWT' })}.${enc(claims())}.`,
      'alg None': `${enc({ alg: 'None', typ: 'JWT' })}.${enc(claims())}.`,
      'alg NONE, signature kept': `${enc({ alg: 'NONE' })}.${enc(claims())}.${gs}`,
      'key confusion: HS256 keyed with the RSA public key (PEM)': hs256(pem, { alg: 'HS256', kid: 'rsa-1' }, claims()),
      'key confusion: HS256 keyed with the RSA public key (DER)': hs256(der, { alg: 'HS256', kid: 'rsa-1' }, claims()),
      'signed by an attacker key under the real kid': await new SignJWT(claims())
        .setProtectedHeader({ alg: 'RS256', kid: 'rsa-1' })
        .sign(attacker.privateKey),
      'embedded jwk header (CVE-2018-0114 style)': await new SignJWT(claims())
        .setProtectedHeader({ alg: 'RS256', jwk: attackerJwk })
        .sign(attacker.privateKey),
      'jku pointing at the attacker': await new SignJWT(claims())
        .setProtectedHeader({ alg: 'RS256', kid: 'evil', jku: 'http://127.0.0.1:9/jwks.json' })
        .sign(attacker.privateKey),
      'kid path traversal': await new SignJWT(claims())
        .setProtectedHeader({ alg: 'RS256', kid: '../../../../dev/null' })
        .sign(attacker.privateKey),
      'kid SQL injection': await new SignJWT(claims())
        .setProtectedHeader({ alg: 'RS256', kid: "x' UNION SELECT 'secret' --" })
        .sign(attacker.privateKey),
      'HS256 with the wrong secret': hs256('not-the-secret-but-long-enough-0123456789', { alg: 'HS256' }, claims()),
      'HS256 with an empty secret': hs256('', { alg: 'HS256' }, claims()),
      'tampered payload, original signature': `${gh}.${tamperedPayload}.${gs}`,
      'signature stripped': `${gh}.${gp}.`,
      'signature truncated': `${gh}.${gp}.${gs.slice(0, 10)}`,
      expired: await rs256(claims({ exp: now() - 60 })),
      'expired HS256 (dev tokens too)': token('alice', [tenant], ['admin'], -30),
      'not yet valid (nbf in 10 min)': await rs256(claims({ nbf: now() + 600 })),
      'issued in the future (iat in 1 h) and nbf too': await rs256(claims({ iat: now() + 3600, nbf: now() + 3600 })),
      'no exp at all': hs256(HS_SECRET, { alg: 'HS256' }, (({ exp: _exp, ...c }) => c)(claims())),
      'wrong audience': await rs256(claims({ aud: 'another-api' })),
      'audience list without ours': await rs256(claims({ aud: ['a', 'b'] })),
      'wrong issuer': await rs256(claims({ iss: 'https://evil.example' })),
      'no subject': await rs256(claims({ sub: undefined })),
      'tenants claim as a string': await rs256(claims({ tenants: tenant })),
      'oversized token (64 KiB of claims)': await rs256(claims({ pad: 'x'.repeat(64 * 1024) })),
      'three dots': '...',
      'not base64': '%%%.%%%.%%%',
      'JSON header that is an array': `${Buffer.from('[1,2]').toString('base64url')}.${enc(claims())}.x`,
      'Bearer with nothing': '',
    };
    let refused = 0;
    for (const [name, jwt] of Object.entries(cases)) {
      const res = await ping(`Bearer ${jwt}`);
      // Node's HTTP parser answers 431 itself for a header block past its limit: also a refusal, never a 5xx.
      if (res.status === 431) {
        refused++;
        continue;
      }
      const body = (await res.json()) as ErrorBody;
      assert.equal(res.status, 401, `${name}: ${res.status} ${JSON.stringify(body)}`);
      assert.deepEqual(body.error, { code: 'UNAUTHENTICATED', message: 'Authentication required' }, name);
      refused++;
    }
    console.log(`jwt attacks: ${refused} forged/replayed tokens refused`);
    await assertAlive(e2e);
  });

  it('does not let a valid token for another tenant, or a duplicated Authorization header, through', async () => {
    const other = token('eve', ['othertenant'], ['admin']);
    const res = await ping(`Bearer ${other}`);
    assert.equal(res.status, 403);
    assert.equal(((await res.json()) as ErrorBody).error.code, 'TENANT_FORBIDDEN');
    const good = token('alice', [tenant], ['admin']);
    const dup = await rawHttp(
      e2e.gateway.port,
      `GET /v1/ping HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer ${other}\r\nAuthorization: Bearer ${good}\r\nX-Tenant-ID: ${tenant}\r\nConnection: close\r\n\r\n`,
    );
    assert.ok(dup.status === 400 || dup.status === 401 || dup.status === 403, `duplicate Authorization answered ${dup.status}`);
  });
});
