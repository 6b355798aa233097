import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { DecisionLogWriter } from './decision-log-writer.js';

const entry = (n: number) => ({ decisionId: String(n) });

class FakeStore {
  batches: string[][] = [];
  failNext = 0;
  readonly append = async (entries: readonly { decisionId: string }[]): Promise<void> => {
    await new Promise((r) => setImmediate(r));
    if (this.failNext > 0) {
      this.failNext--;
      throw new Error('db down');
    }
    this.batches.push(entries.map((e) => e.decisionId));
  };
}

describe('decision log writer', () => {
  it('writes in batches of at most batchSize, in order', async () => {
    const store = new FakeStore();
    const w = new DecisionLogWriter(store.append, { batchSize: 3, intervalMs: 1000, maxBuffered: 100 });
    for (let i = 1; i <= 7; i++) w.enqueue(entry(i));
    await w.close();
    assert.deepEqual(store.batches.flat(), ['1', '2', '3', '4', '5', '6', '7']);
    assert.ok(store.batches.every((b) => b.length <= 3));
  });

  it('keeps a failed batch in front and retries it', async () => {
    const store = new FakeStore();
    const errors: number[] = [];
    const w = new DecisionLogWriter(
      store.append,
      { batchSize: 10, intervalMs: 1000, maxBuffered: 100 },
      {
        onError: (_e, pending) => errors.push(pending),
      },
    );
    store.failNext = 1;
    w.enqueue(entry(1));
    w.enqueue(entry(2));
    await w.flush();
    w.enqueue(entry(3));
    await w.flush();
    assert.deepEqual(errors, [2]);
    assert.deepEqual(store.batches, [['1', '2', '3']]);
  });

  it('drops the oldest beyond maxBuffered and says how many', async () => {
    const store = new FakeStore();
    let dropped = 0;
    const w = new DecisionLogWriter(
      store.append,
      { batchSize: 100, intervalMs: 1000, maxBuffered: 5 },
      {
        onDropped: (n) => (dropped += n),
      },
    );
    for (let i = 1; i <= 8; i++) w.enqueue(entry(i));
    await w.close();
    assert.equal(dropped, 3);
    assert.deepEqual(store.batches.flat(), ['4', '5', '6', '7', '8']);
  });
});
