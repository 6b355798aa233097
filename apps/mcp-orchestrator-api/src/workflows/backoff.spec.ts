import { test } from 'node:test';
import assert from 'node:assert/strict';
import { retryDelayMs } from './backoff.js';

const policy = { maxAttempts: 5, initialDelayMs: 100, maxDelayMs: 1000, multiplier: 2 };

test('delay grows exponentially within [exp/2, exp] and is capped', () => {
  assert.equal(
    retryDelayMs(policy, 2, () => 0),
    50,
  );
  assert.equal(
    retryDelayMs(policy, 2, () => 1),
    100,
  );
  assert.equal(
    retryDelayMs(policy, 3, () => 1),
    200,
  );
  assert.equal(
    retryDelayMs(policy, 4, () => 0.5),
    300,
  );
  assert.equal(
    retryDelayMs(policy, 10, () => 1),
    1000,
  );
});

test('jitter spreads delays for the same attempt', () => {
  const seen = new Set(Array.from({ length: 50 }, () => retryDelayMs(policy, 3)));
  assert.ok(seen.size > 5);
  for (const d of seen) assert.ok(d >= 100 && d <= 200);
});
