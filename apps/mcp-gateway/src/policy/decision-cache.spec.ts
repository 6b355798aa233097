import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { DecisionCache } from './decision-cache.js';

describe('DecisionCache', () => {
  it('serves within the TTL and reloads after it', async () => {
    let t = 0;
    let loads = 0;
    const c = new DecisionCache<number>(1000, 10, () => t);
    const load = async () => ++loads;
    assert.equal(await c.get('k', load), 1);
    assert.equal(await c.get('k', load), 1);
    t = 1000;
    assert.equal(await c.get('k', load), 2);
  });

  it('coalesces concurrent misses into one load', async () => {
    let loads = 0;
    const c = new DecisionCache<number>(1000, 10);
    const results = await Promise.all(
      Array.from({ length: 20 }, () => c.get('k', async () => (await new Promise((r) => setTimeout(r, 5)), ++loads))),
    );
    assert.equal(loads, 1);
    assert.ok(results.every((r) => r === 1));
  });

  it('clear drops decisions and does not store one that was in flight across the change', async () => {
    let loads = 0;
    const c = new DecisionCache<number>(60_000, 10);
    let release!: () => void;
    const slow = c.get('k', () => new Promise<number>((r) => (release = () => r(++loads))));
    c.clear();
    release();
    assert.equal(await slow, 1);
    assert.equal(await c.get('k', async () => ++loads), 2);
  });

  it('does not cache failures', async () => {
    const c = new DecisionCache<number>(60_000, 10);
    await assert.rejects(c.get('k', () => Promise.reject(new Error('down'))));
    assert.equal(await c.get('k', async () => 7), 7);
  });

  it('answers with an expired decision while the source is unavailable, within the stale window only', async () => {
    let t = 0;
    const down = new Error('policy unavailable');
    const c = new DecisionCache<string>(1000, 10, () => t, { ms: 5000, unavailable: (err) => err === down });
    assert.equal(await c.get('k', async () => 'allow'), 'allow');
    t = 3000;
    assert.equal(await c.get('k', () => Promise.reject(down)), 'allow', 'stale within the window');
    await assert.rejects(
      c.get('k', () => Promise.reject(new Error('a real failure'))),
      /a real failure/,
    );
    t = 6001;
    await assert.rejects(
      c.get('k', () => Promise.reject(down)),
      /policy unavailable/,
      'too old',
    );
  });

  it('a policy change drops decisions that could otherwise be served stale', async () => {
    let t = 0;
    const down = new Error('down');
    const c = new DecisionCache<string>(1000, 10, () => t, { ms: 60_000, unavailable: () => true });
    await c.get('k', async () => 'allow');
    c.clear();
    t = 2000;
    await assert.rejects(
      c.get('k', () => Promise.reject(down)),
      /down/,
    );
  });

  it('without a stale window an unavailable source is an error at once (fail closed)', async () => {
    let t = 0;
    const c = new DecisionCache<string>(1000, 10, () => t);
    await c.get('k', async () => 'allow');
    t = 1001;
    await assert.rejects(
      c.get('k', () => Promise.reject(new Error('down'))),
      /down/,
    );
  });
});
