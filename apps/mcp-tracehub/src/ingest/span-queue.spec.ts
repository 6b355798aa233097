import { test } from 'node:test';
import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import type { SpanRecord } from '../otlp/span-record.js';
import { SpanQueue, type SpanQueueOptions, type SpanSink } from './span-queue.js';

function spans(n: number, from = 0): SpanRecord[] {
  return Array.from({ length: n }, (_, i) => ({ spanId: String(from + i) }) as SpanRecord);
}

class RecordingSink implements SpanSink {
  stored: string[] = [];
  batches: number[] = [];
  failing = false;
  attempts = 0;
  async write(batch: SpanRecord[]): Promise<void> {
    this.attempts++;
    await sleep(1);
    if (this.failing) throw new Error('database unavailable');
    this.batches.push(batch.length);
    for (const span of batch) this.stored.push(span.spanId);
  }
}

const options: SpanQueueOptions = {
  capacity: 100,
  batchSize: 10,
  lingerMs: 5,
  concurrency: 2,
  retryInitialMs: 5,
  retryMaxMs: 20,
};
const silent = { written() {}, failed() {} };

test('writes full batches at once and partial batches after the linger time', async () => {
  const sink = new RecordingSink();
  const queue = new SpanQueue(sink, options, silent);
  assert.equal(queue.offer(spans(25)), true);
  assert.ok(await queue.flush(1000));
  assert.deepEqual(sink.batches.slice(0, 2), [10, 10]);
  assert.equal(sink.stored.length, 25);
  assert.equal(new Set(sink.stored).size, 25);
  assert.equal(queue.depth, 0);
  queue.stop();
});

test('refuses an offer that does not fit whole, counting spans still being written', async () => {
  const sink = new RecordingSink();
  sink.failing = true;
  const queue = new SpanQueue(sink, { ...options, retryInitialMs: 50 }, silent);
  assert.equal(queue.offer(spans(95)), true);
  assert.equal(queue.offer(spans(6, 95)), false);
  assert.equal(queue.offer(spans(5, 95)), true);
  assert.equal(queue.depth, 100);
  await sleep(10);
  assert.equal(queue.depth, 100);
  assert.ok(queue.backingOff);
  assert.ok(queue.retryAfterSeconds() >= 1);
  queue.stop();
});

test('keeps every accepted span through a sink outage and stores each exactly once after it', async () => {
  const sink = new RecordingSink();
  const failures: number[] = [];
  const queue = new SpanQueue(sink, options, { written() {}, failed: (_e, delay) => failures.push(delay) });
  sink.failing = true;
  assert.ok(queue.offer(spans(30)));
  await sleep(40);
  assert.ok(failures.length >= 2, 'writes were retried');
  assert.ok(
    failures.every((d) => d <= options.retryMaxMs),
    'backoff is capped',
  );
  assert.equal(sink.stored.length, 0);
  assert.equal(queue.depth, 30);
  sink.failing = false;
  assert.ok(queue.offer(spans(10, 30)));
  assert.ok(await queue.flush(2000));
  assert.equal(sink.stored.length, 40);
  assert.deepEqual(
    [...new Set(sink.stored)].sort(),
    spans(40)
      .map((s) => s.spanId)
      .sort(),
  );
  queue.stop();
});

test('flush gives up at its deadline while the sink stays down, and stop refuses new spans', async () => {
  const sink = new RecordingSink();
  sink.failing = true;
  const queue = new SpanQueue(sink, options, silent);
  queue.offer(spans(3));
  assert.equal(await queue.flush(50), false);
  assert.equal(queue.depth, 3);
  queue.stop();
  assert.equal(queue.offer(spans(1)), false);
});
