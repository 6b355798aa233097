import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { VerifiedTokenCache } from './verified-token-cache.js';
import { ApiKeyCache, apiKeyDigest } from './api-key.js';
import { parseTenantId } from '#tenancy';
import type { Principal } from './principal.js';

const principal = (expiresAtSec: number): Principal => ({
  id: 'u',
  kind: 'user',
  tenants: [parseTenantId('acme')],
  roles: [],
  expiresAt: expiresAtSec,
});

describe('VerifiedTokenCache', () => {
  it('serves a token until it expires, then forgets it', () => {
    let t = 1000;
    const c = new VerifiedTokenCache(10, () => t);
    c.set('tok', principal(2));
    assert.equal(c.get('tok')?.id, 'u');
    t = 2000;
    assert.equal(c.get('tok'), undefined);
    assert.equal(c.size, 0);
  });

  it('evicts the oldest entry when full and ignores already expired principals', () => {
    const c = new VerifiedTokenCache(2, () => 0);
    c.set('none', { id: 'u', kind: 'user', tenants: [], roles: [] });
    assert.equal(c.get('none'), undefined);
    c.set('a', principal(10));
    c.set('b', principal(10));
    c.set('c', principal(10));
    assert.equal(c.get('a'), undefined);
    assert.ok(c.get('b') && c.get('c'));
    c.set('d', principal(0));
    assert.equal(c.get('d'), undefined);
  });
});

describe('ApiKeyCache', () => {
  it('caches by digest for the TTL and drops on revocation by key id', () => {
    let t = 0;
    const c = new ApiKeyCache(1000, 10, () => t);
    const d = apiKeyDigest('mk_secret');
    assert.notEqual(d, 'mk_secret');
    const p = c.set(d, { keyId: 'k1', tenantId: 'acme', roles: ['agent'] });
    assert.deepEqual(p.tenants, ['acme']);
    assert.equal(p.id, 'apikey:k1');
    assert.equal(p.kind, 'api-key');
    assert.equal(c.get(d)?.id, 'apikey:k1');
    c.revoke('k1');
    assert.equal(c.get(d), undefined);
    c.set(d, { keyId: 'k1', tenantId: 'acme', roles: [] });
    t = 1000;
    assert.equal(c.get(d), undefined);
  });

  it('never caches past the key expiry', () => {
    let t = 0;
    const c = new ApiKeyCache(10_000, 10, () => t);
    c.set('d', { keyId: 'k', tenantId: 'acme', roles: [], expiresAt: 5 });
    t = 5000;
    assert.equal(c.get('d'), undefined);
  });
});
