import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { BreakerOpen, CircuitBreaker } from './circuit-breaker.js';

class Outage extends Error {}
const fail = () => Promise.reject(new Outage('down'));
const ok = () => Promise.resolve('ok');

function breaker(clock: { t: number }, changes: string[] = []) {
  return new CircuitBreaker(
    'orchestrator',
    { failureThreshold: 5, openMs: 60_000 },
    (e) => e instanceof Outage,
    () => clock.t,
    (_d, s) => changes.push(s),
  );
}

describe('CircuitBreaker', () => {
  it('opens after five consecutive failures and refuses without calling', async () => {
    const clock = { t: 0 };
    const b = breaker(clock);
    for (let i = 0; i < 4; i++) await assert.rejects(b.run(fail), Outage);
    assert.equal(b.state, 'closed');
    await assert.rejects(b.run(fail), Outage);
    assert.equal(b.state, 'open');
    let called = false;
    await assert.rejects(
      b.run(async () => ((called = true), 'x')),
      (e: unknown) => e instanceof BreakerOpen && e.retryInMs === 60_000,
    );
    assert.equal(called, false);
  });

  it('a success resets the consecutive count', async () => {
    const b = breaker({ t: 0 });
    for (let i = 0; i < 4; i++) await assert.rejects(b.run(fail));
    await b.run(ok);
    for (let i = 0; i < 4; i++) await assert.rejects(b.run(fail));
    assert.equal(b.state, 'closed');
  });

  it('non-failure errors (domain answers) do not count', async () => {
    const b = breaker({ t: 0 });
    for (let i = 0; i < 10; i++) await assert.rejects(b.run(() => Promise.reject(new Error('not found'))));
    assert.equal(b.state, 'closed');
  });

  it('half-opens after the open period, lets one probe through, and closes on success', async () => {
    const clock = { t: 0 };
    const changes: string[] = [];
    const b = breaker(clock, changes);
    for (let i = 0; i < 5; i++) await assert.rejects(b.run(fail));
    clock.t = 60_000;
    assert.equal(b.state, 'half_open');
    let release!: (v: string) => void;
    const probe = b.run(() => new Promise<string>((r) => (release = r)));
    await assert.rejects(b.run(ok), BreakerOpen);
    release('fine');
    assert.equal(await probe, 'fine');
    assert.equal(b.state, 'closed');
    assert.deepEqual(changes, ['open', 'half_open', 'closed']);
  });

  it('a failed probe re-opens for another full period', async () => {
    const clock = { t: 0 };
    const b = breaker(clock);
    for (let i = 0; i < 5; i++) await assert.rejects(b.run(fail));
    clock.t = 60_000;
    await assert.rejects(b.run(fail), Outage);
    assert.equal(b.state, 'open');
    clock.t = 119_999;
    await assert.rejects(b.run(ok), BreakerOpen);
    clock.t = 120_000;
    assert.equal(await b.run(ok), 'ok');
  });
});
