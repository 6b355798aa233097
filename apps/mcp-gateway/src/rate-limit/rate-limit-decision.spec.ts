import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { decisionFromScript, rateLimitHeaders } from './rate-limit-decision.js';

describe('rate limit decision', () => {
  it('reports the bucket closer to empty when allowed', () => {
    const d = decisionFromScript([1, 1000, 900, 6000, 0, 60, 10, 50000, 0]);
    assert.equal(d.allowed, true);
    assert.equal(d.scope, 'client');
    assert.deepEqual(rateLimitHeaders(d), { 'ratelimit-limit': '60', 'ratelimit-remaining': '10', 'ratelimit-reset': '50' });
  });

  it('reports the refusing bucket with Retry-After rounded up to whole seconds', () => {
    const d = decisionFromScript([0, 1000, 500, 30000, 0, 60, 0, 59500, 500]);
    assert.equal(d.allowed, false);
    assert.equal(d.scope, 'client');
    const h = rateLimitHeaders(d);
    assert.equal(h['retry-after'], '1');
    assert.equal(h['ratelimit-remaining'], '0');
    assert.equal(h['ratelimit-reset'], '60');
  });

  it('picks the tenant bucket when the tenant is exhausted and waits for the slower bucket', () => {
    assert.equal(decisionFromScript([0, 10, 0, 60000, 6000, 60, 30, 30000, 0]).scope, 'tenant');
    const both = decisionFromScript([0, 10, 0, 60000, 2000, 60, 0, 60000, 5000]);
    assert.equal(both.scope, 'client');
    assert.equal(rateLimitHeaders(both)['retry-after'], '5');
  });

  it('rejects malformed replies', () => {
    assert.throws(() => decisionFromScript([1, 2]));
    assert.throws(() => decisionFromScript('OK'));
  });
});
