import { test } from 'node:test';
import assert from 'node:assert/strict';
import { redeliveryDelayMs } from './step-queue.js';

test('a failed work message is redelivered after 1 s, doubling per delivery, never more than 30 s apart', () => {
  assert.deepEqual([1, 2, 3, 4, 5, 6, 7].map(redeliveryDelayMs), [1000, 2000, 4000, 8000, 16000, 30000, 30000]);
  assert.equal(redeliveryDelayMs(10_000), 30_000);
  assert.equal(redeliveryDelayMs(0), 1000);
});
