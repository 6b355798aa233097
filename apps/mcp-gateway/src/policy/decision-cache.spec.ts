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
});
