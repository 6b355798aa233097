import { test } from 'node:test';
import assert from 'node:assert/strict';
import { RegistryCache } from './registry-cache.js';

test('a change to a tenant server drops only that tenant; a global server change drops every tenant', () => {
  const cache = new RegistryCache<string>(10_000, 100);
  for (const t of ['acme', 'globex']) for (const s of ['counter', 'other']) cache.set(cache.begin(), t, s, 'add', `${t}/${s}`);
  cache.invalidate('tenant', 'counter', 'acme');
  assert.equal(cache.get('acme', 'counter', 'add'), undefined);
  assert.equal(cache.get('globex', 'counter', 'add'), 'globex/counter');
  assert.equal(cache.get('acme', 'other', 'add'), 'acme/other');
  cache.invalidate('global', 'counter');
  assert.equal(cache.get('globex', 'counter', 'add'), undefined);
  assert.equal(cache.get('globex', 'other', 'add'), 'globex/other');
  cache.invalidate('tenant', 'other');
  assert.equal(cache.size, 0);
});

test('a lookup that started before a change is not stored', () => {
  const cache = new RegistryCache<string>(10_000, 100);
  const generation = cache.begin();
  cache.invalidate('global', 'unrelated');
  cache.set(generation, 'acme', 'counter', 'add', 'stale');
  assert.equal(cache.get('acme', 'counter', 'add'), undefined);
  cache.set(cache.begin(), 'acme', 'counter', 'add', 'fresh');
  assert.equal(cache.get('acme', 'counter', 'add'), 'fresh');
});

test('entries expire after the TTL; a TTL of 0 caches nothing; the bound starts over', () => {
  let now = 0;
  const cache = new RegistryCache<string>(1000, 2, () => now);
  cache.set(cache.begin(), 'acme', 'counter', 'add', 'v');
  now = 999;
  assert.equal(cache.get('acme', 'counter', 'add'), 'v');
  now = 1000;
  assert.equal(cache.get('acme', 'counter', 'add'), undefined);
  cache.set(cache.begin(), 'a', 's', 't', '1');
  cache.set(cache.begin(), 'b', 's', 't', '2');
  cache.set(cache.begin(), 'c', 's', 't', '3');
  assert.equal(cache.size, 1);
  assert.equal(cache.get('c', 's', 't'), '3');
  const off = new RegistryCache<string>(0, 100);
  off.set(off.begin(), 'acme', 'counter', 'add', 'v');
  assert.equal(off.get('acme', 'counter', 'add'), undefined);
});
