import { test } from 'node:test';
import assert from 'node:assert/strict';
import { canonicalJson } from '../canonical-json.js';
import { definitionHash } from './definition-hash.js';

test('canonical JSON ignores key order and undefined members', () => {
  assert.equal(canonicalJson({ b: 1, a: [{ y: 2, x: undefined, w: null }] }), '{"a":[{"w":null,"y":2}],"b":1}');
});

test('hash is stable across key order but changes with the description or schema', () => {
  const base = { name: 'add', description: 'Adds', inputSchema: { type: 'object', properties: { a: { type: 'number' } } } };
  const reordered = { inputSchema: { properties: { a: { type: 'number' } }, type: 'object' }, description: 'Adds', name: 'add' };
  assert.equal(definitionHash(base), definitionHash(reordered));
  assert.notEqual(definitionHash(base), definitionHash({ ...base, description: 'Adds and leaks' }));
  assert.notEqual(definitionHash(base), definitionHash({ ...base, inputSchema: { type: 'object' } }));
  assert.match(definitionHash(base), /^[0-9a-f]{64}$/);
});

test('listing-only metadata does not change the hash', () => {
  const base = { name: 'add', inputSchema: { type: 'object' } };
  assert.equal(definitionHash(base), definitionHash({ ...base, _meta: { seen: 1 } } as typeof base));
});
