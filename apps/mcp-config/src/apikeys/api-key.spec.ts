import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { hashApiKey, issueApiKey, looksLikeApiKey } from './api-key.js';

describe('api keys', () => {
  const pepper = Buffer.from('pepper-pepper-pepper-pepper-0001');

  it('issues well-formed, distinct keys whose hash does not contain them', () => {
    const seen = new Set<string>();
    for (let i = 0; i < 200; i++) {
      const issued = issueApiKey(pepper);
      assert.ok(looksLikeApiKey(issued.key), issued.key);
      assert.ok(issued.key.startsWith(`mcpk_${issued.prefix}_`));
      assert.equal(issued.hash, hashApiKey(pepper, issued.key));
      assert.ok(!issued.hash.includes(issued.key.slice(14)));
      seen.add(issued.key);
    }
    assert.equal(seen.size, 200);
  });

  it('the hash depends on the pepper', () => {
    const { key, hash } = issueApiKey(pepper);
    assert.notEqual(hashApiKey(Buffer.from('another-pepper-another-pepper-01'), key), hash);
  });

  it('rejects malformed keys', () => {
    for (const bad of ['', 'mcpk_', 'Bearer x', 'mcpk_abcdefgh_short', `mcpk_abc_${'a'.repeat(32)}`])
      assert.equal(looksLikeApiKey(bad), false, bad);
  });
});
