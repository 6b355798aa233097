import { test } from 'node:test';
import assert from 'node:assert/strict';
import { UsageBuffer } from './usage-buffer.js';

const at = new Date('2026-11-26T23:59:59.900Z');

test('samples aggregate per tenant, UTC day, kind and subject', () => {
  const b = new UsageBuffer(10);
  b.add('acme', { kind: 'tool', subject: 'counter/add', error: false, latencyMs: 10.4 }, at);
  b.add('acme', { kind: 'tool', subject: 'counter/add', error: true, latencyMs: 30 }, at);
  b.add('acme', { kind: 'tool', subject: 'counter/add', error: false, latencyMs: 5 }, new Date('2026-11-27T00:00:00.100Z'));
  b.add('globex', { kind: 'tool', subject: 'counter/add', error: false, latencyMs: -3 }, at);
  const taken = b.take();
  assert.equal(b.size, 0);
  const acme = taken.get('acme')!;
  assert.deepEqual(
    acme.map((r) => [r.day, r.calls, r.errors, r.totalLatencyMs, r.maxLatencyMs]),
    [
      ['2026-11-26', 2, 1, 40, 30],
      ['2026-11-27', 1, 0, 5, 5],
    ],
  );
  assert.deepEqual(
    taken.get('globex')!.map((r) => [r.calls, r.totalLatencyMs]),
    [[1, 0]],
  );
});

test('a full buffer refuses new rows but still counts existing ones; restored rows merge with newer ones', () => {
  const b = new UsageBuffer(1);
  assert.equal(b.add('acme', { kind: 'tool', subject: 'a', error: false, latencyMs: 1 }, at), true);
  assert.equal(b.add('acme', { kind: 'tool', subject: 'b', error: false, latencyMs: 1 }, at), false);
  assert.equal(b.add('acme', { kind: 'tool', subject: 'a', error: false, latencyMs: 7 }, at), true);
  const failed = b.take().get('acme')!;
  b.add('acme', { kind: 'inference', subject: 'llama', error: false, latencyMs: 2, promptTokens: 3, completionTokens: 4 }, at);
  b.restore(failed);
  b.add('acme', { kind: 'tool', subject: 'a', error: true, latencyMs: 9 }, at);
  const rows = b.take().get('acme')!;
  const a = rows.find((r) => r.subject === 'a')!;
  assert.deepEqual([a.calls, a.errors, a.totalLatencyMs, a.maxLatencyMs], [3, 1, 17, 9]);
  const llama = rows.find((r) => r.subject === 'llama')!;
  assert.deepEqual([llama.promptTokens, llama.completionTokens], [3, 4]);
});
