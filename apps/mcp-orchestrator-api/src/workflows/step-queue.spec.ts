import { test } from 'node:test';
import assert from 'node:assert/strict';
import { HeldWork, redeliveryDelayMs } from './step-queue.js';

test('a failed work message is redelivered after 1 s, doubling per delivery, never more than 30 s apart', () => {
  assert.deepEqual([1, 2, 3, 4, 5, 6, 7].map(redeliveryDelayMs), [1000, 2000, 4000, 8000, 16000, 30000, 30000]);
  assert.equal(redeliveryDelayMs(10_000), 30_000);
  assert.equal(redeliveryDelayMs(0), 1000);
});

test('held work: at most `concurrency` handled at once, every held message kept alive', async () => {
  const kept: string[] = [];
  const message = (name: string) => ({ name, working: () => void kept.push(name) });
  const started: string[] = [];
  const finish = new Map<string, () => void>();
  const held = new HeldWork<ReturnType<typeof message>>(
    2,
    (_body, msg) => {
      started.push(msg.name);
      return new Promise<void>((resolve) => finish.set(msg.name, resolve));
    },
    () => assert.fail('no handler failed'),
  );
  for (const id of ['a', 'b', 'c']) held.add(job(id), message(id));
  assert.deepEqual(started, ['a', 'b']);
  held.keepAlive();
  assert.deepEqual(kept.sort(), ['a', 'b', 'c'], 'the waiting message too');
  finish.get('a')!();
  await new Promise((r) => setImmediate(r));
  assert.deepEqual(started, ['a', 'b', 'c']);
});

test('held work: a second delivery of work that is being handled is not run beside it', async () => {
  const started: string[] = [];
  const held = new HeldWork<{ name: string; working: () => void }>(
    4,
    async (_body, msg) => {
      started.push(msg.name);
      await new Promise(() => undefined);
    },
    () => assert.fail('no handler failed'),
  );
  held.add(job('a'), { name: 'a#1', working: () => undefined });
  held.add(job('a'), { name: 'a#2', working: () => undefined });
  held.add(job('b'), { name: 'b#1', working: () => undefined });
  assert.deepEqual(started, ['a#1', 'b#1']);
});

function job(jobId: string) {
  return { kind: 'job' as const, tenantId: 'acme', jobId, attempt: 1 };
}
