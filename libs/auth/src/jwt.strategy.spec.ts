import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createHmac, generateKeyPairSync, type KeyObject } from 'node:crypto';
import { SignJWT, exportJWK } from 'jose';
import { JwtStrategy, type JwtAuthConfig } from './jwt.strategy.js';
import { JwksKeyStore } from './jwks-key-store.js';
import { CredentialRejected } from './claims.js';
import { mintDevToken } from './dev-token.js';

const ISS = 'https://issuer.test';
const AUD = 'mcp-platform';
const SECRET = 'dev-secret-with-enough-length-0123456789';
const rsa = generateKeyPairSync('rsa', { modulusLength: 2048 });
const ec = generateKeyPairSync('ec', { namedCurve: 'P-256' });
const now = () => Math.floor(Date.now() / 1000);

async function jwksFor(entries: Array<[string, KeyObject]>) {
  return { keys: await Promise.all(entries.map(async ([kid, key]) => ({ ...(await exportJWK(key)), kid, use: 'sig' }))) };
}

function sign(alg: string, key: KeyObject | Uint8Array, claims: Record<string, unknown> = {}, kid?: string) {
  return new SignJWT({ tenants: ['acme'], roles: ['admin'], ...claims })
    .setProtectedHeader(kid ? { alg, kid } : { alg })
    .setSubject('user-1')
    .setIssuer(ISS)
    .setAudience(AUD)
    .setIssuedAt()
    .setExpirationTime('5m')
    .sign(key);
}

function strategy(extra: Partial<JwtAuthConfig> = {}, store?: JwksKeyStore) {
  return new JwtStrategy({ issuer: ISS, audience: AUD, clockToleranceSec: 5, ...extra }, store);
}

async function rejects(s: JwtStrategy, token: string) {
  await assert.rejects(s.verifyBearer(`Bearer ${token}`), CredentialRejected);
}

function unsigned(header: object, payload: object) {
  const enc = (o: object) => Buffer.from(JSON.stringify(o)).toString('base64url');
  return `${enc(header)}.${enc(payload)}.`;
}

describe('JwtStrategy', () => {
  const secret = new TextEncoder().encode(SECRET);

  it('accepts a valid HS256 token and maps claims to a principal', async () => {
    const p = await strategy({ hs256Secret: SECRET }).verifyBearer(`Bearer ${await sign('HS256', secret)}`);
    assert.equal(p.id, 'user-1');
    assert.deepEqual(p.tenants, ['acme']);
    assert.deepEqual(p.roles, ['admin']);
    assert.equal(p.kind, 'user');
    assert.ok(p.expiresAt! * 1000 > Date.now());
  });

  it('accepts the dev token tool output', async () => {
    const token = mintDevToken({
      secret: SECRET,
      issuer: ISS,
      audience: AUD,
      subject: 'dev',
      tenants: ['acme'],
      roles: ['admin'],
      ttlSec: 60,
    });
    const p = await strategy({ hs256Secret: SECRET }).verifyBearer(`Bearer ${token}`);
    assert.equal(p.id, 'dev');
  });

  it('rejects a bad signature, wrong audience, wrong issuer, expiry and future nbf beyond the skew', async () => {
    const s = strategy({ hs256Secret: SECRET });
    await rejects(s, await sign('HS256', new TextEncoder().encode('another-secret-of-some-length-000000')));
    await rejects(
      s,
      await new SignJWT({ tenants: ['acme'] })
        .setProtectedHeader({ alg: 'HS256' })
        .setSubject('u')
        .setIssuer(ISS)
        .setAudience('other')
        .setExpirationTime('5m')
        .sign(secret),
    );
    await rejects(
      s,
      await new SignJWT({})
        .setProtectedHeader({ alg: 'HS256' })
        .setSubject('u')
        .setIssuer('https://evil')
        .setAudience(AUD)
        .setExpirationTime('5m')
        .sign(secret),
    );
    await rejects(
      s,
      await new SignJWT({})
        .setProtectedHeader({ alg: 'HS256' })
        .setSubject('u')
        .setIssuer(ISS)
        .setAudience(AUD)
        .setExpirationTime(now() - 30)
        .sign(secret),
    );
    await rejects(
      s,
      await new SignJWT({})
        .setProtectedHeader({ alg: 'HS256' })
        .setSubject('u')
        .setIssuer(ISS)
        .setAudience(AUD)
        .setNotBefore(now() + 60)
        .setExpirationTime('5m')
        .sign(secret),
    );
  });

  it('tolerates clock skew within the configured window', async () => {
    const s = strategy({ hs256Secret: SECRET });
    const t = await new SignJWT({})
      .setProtectedHeader({ alg: 'HS256' })
      .setSubject('u')
      .setIssuer(ISS)
      .setAudience(AUD)
      .setNotBefore(now() + 2)
      .setExpirationTime('5m')
      .sign(secret);
    assert.equal((await s.verifyBearer(`Bearer ${t}`)).id, 'u');
  });

  it('rejects tokens without exp or sub, with a malformed tenant id, and alg none', async () => {
    const s = strategy({ hs256Secret: SECRET });
    await rejects(s, await sign('HS256', secret, { tenants: ['acme; drop schema'] }));
    await rejects(
      s,
      await new SignJWT({}).setProtectedHeader({ alg: 'HS256' }).setSubject('u').setIssuer(ISS).setAudience(AUD).sign(secret),
    );
    await rejects(
      s,
      await new SignJWT({}).setProtectedHeader({ alg: 'HS256' }).setIssuer(ISS).setAudience(AUD).setExpirationTime('5m').sign(secret),
    );
    await rejects(s, unsigned({ alg: 'none', typ: 'JWT' }, { sub: 'u', iss: ISS, aud: AUD, exp: now() + 300, tenants: ['acme'] }));
  });

  it('rejects HS256 signed with the RSA public key (algorithm confusion)', async () => {
    const store = new JwksKeyStore({
      url: 'x',
      maxAgeMs: 60_000,
      refreshCooldownMs: 0,
      fetchJson: async () => jwksFor([['k1', rsa.publicKey]]),
    });
    const pem = rsa.publicKey.export({ type: 'spki', format: 'pem' }) as string;
    const enc = (o: object) => Buffer.from(JSON.stringify(o)).toString('base64url');
    const body = `${enc({ alg: 'HS256', kid: 'k1' })}.${enc({ sub: 'u', iss: ISS, aud: AUD, exp: now() + 300 })}`;
    const forged = `${body}.${createHmac('sha256', pem).update(body).digest('base64url')}`;
    // JWKS only: HS256 is not an accepted algorithm at all.
    await rejects(strategy({ jwksUrl: 'x' }, store), forged);
    // JWKS plus a dev secret: HS256 is checked against the secret, never the public key.
    await rejects(strategy({ jwksUrl: 'x', hs256Secret: SECRET }, store), forged);
  });

  it('refuses every token when no key source is configured', async () => {
    await rejects(strategy(), await sign('HS256', secret));
  });

  it('verifies RS256 and ES256 through the JWKS and refetches on an unknown kid', async () => {
    let fetches = 0;
    let doc = await jwksFor([['rsa-1', rsa.publicKey]]);
    const store = new JwksKeyStore({ url: 'x', maxAgeMs: 600_000, refreshCooldownMs: 0, fetchJson: async () => (fetches++, doc) });
    const s = strategy({ jwksUrl: 'x' }, store);
    assert.equal((await s.verifyBearer(`Bearer ${await sign('RS256', rsa.privateKey, {}, 'rsa-1')}`)).id, 'user-1');
    assert.equal(fetches, 1);
    doc = await jwksFor([
      ['rsa-1', rsa.publicKey],
      ['ec-1', ec.publicKey],
    ]);
    assert.equal((await s.verifyBearer(`Bearer ${await sign('ES256', ec.privateKey, {}, 'ec-1')}`)).id, 'user-1');
    assert.equal(fetches, 2);
    // A kid naming a key of another type is refused even though the kid exists.
    await rejects(s, await sign('ES256', ec.privateKey, {}, 'rsa-1'));
    // HS256 is not accepted when only a JWKS is configured.
    await rejects(s, await sign('HS256', secret));
  });

  it('limits refetches for unknown kids to the cooldown', async () => {
    let fetches = 0;
    let t = 0;
    const doc = await jwksFor([['rsa-1', rsa.publicKey]]);
    const store = new JwksKeyStore({
      url: 'x',
      maxAgeMs: 600_000,
      refreshCooldownMs: 30_000,
      now: () => t,
      fetchJson: async () => (fetches++, doc),
    });
    await store.keyFor('rsa-1', 'RS256');
    t = 40_000;
    await assert.rejects(store.keyFor('nope', 'RS256'), CredentialRejected);
    await assert.rejects(store.keyFor('nope', 'RS256'), CredentialRejected);
    assert.equal(fetches, 2);
    t = 80_000;
    await assert.rejects(store.keyFor('nope', 'RS256'), CredentialRejected);
    assert.equal(fetches, 3);
  });
});
