import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DomainError, ErrorCode } from '#contracts';
import { cancelledError } from '../cancellation.js';
import { CircuitBreaker } from './circuit-breaker.js';

const fail = () => Promise.reject(new Error('boom'));
const ok = () => Promise.resolve('ok');

test('opens after consecutive failures, rejects fast, then half-opens after the reset timeout', async () => {
  let now = 0;
  const b = new CircuitBreaker('up', { failureThreshold: 3, resetTimeoutMs: 1000, now: () => now });
  for (let i = 0; i < 3; i++) await assert.rejects(b.run(fail), /boom/);
  assert.equal(b.state, 'open');
  let called = false;
  await assert.rejects(
    b.run(async () => {
      called = true;
    }),
    (e: unknown) => e instanceof DomainError && e.code === ErrorCode.SERVICE_UNAVAILABLE,
  );
  assert.equal(called, false);
  now = 1000;
  assert.equal(b.state, 'half-open');
  assert.equal(await b.run(ok), 'ok');
  assert.equal(b.state, 'closed');
});

test('a failed trial call reopens the circuit', async () => {
  let now = 0;
  const b = new CircuitBreaker('up', { failureThreshold: 1, resetTimeoutMs: 10, now: () => now });
  await assert.rejects(b.run(fail));
  now = 10;
  await assert.rejects(b.run(fail), /boom/);
  assert.equal(b.state, 'open');
});

test('success resets the failure count; cancellations do not count', async () => {
  const b = new CircuitBreaker('up', { failureThreshold: 2, resetTimeoutMs: 10 });
  await assert.rejects(b.run(fail));
  await b.run(ok);
  await assert.rejects(b.run(fail));
  await assert.rejects(b.run(() => Promise.reject(cancelledError('call'))));
  assert.equal(b.state, 'closed');
});
