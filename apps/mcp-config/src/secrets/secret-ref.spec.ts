import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { invalidSecretRefs, redactSecretRefs } from './secret-ref.js';
import { jsonDiff } from '../entries/json-diff.js';

describe('secret references', () => {
  const value = {
    db: { host: 'pg', password: { $secret: 'vault://kv/data/db#password' } },
    keys: [{ $secret: 'env://UPSTREAM_TOKEN' }, { $secret: 'k8s://mcp-prod/upstream/token' }, { $secret: 'config://smtp-pass' }],
    plain: 'x',
  };

  it('accepts the four schemes', () => {
    assert.deepEqual(invalidSecretRefs(value), []);
  });

  it('names malformed references by path', () => {
    const problems = invalidSecretRefs({
      a: { $secret: 'ftp://x' },
      b: [{ $secret: 'env://lower' }],
      'c/d': { $secret: 1 },
      e: { $secret: 'config://x', extra: 1 },
    });
    assert.deepEqual(
      problems.map((p) => p.path),
      ['/a/$secret', '/b/0/$secret', '/c~1d/$secret', '/e'],
    );
    assert.match(problems[1]!.message, /malformed env:\/\//);
  });

  it('redacts every reference and nothing else', () => {
    const redacted = redactSecretRefs(value);
    const text = JSON.stringify(redacted);
    for (const ref of ['vault://', 'env://', 'k8s://', 'config://', 'UPSTREAM_TOKEN', 'smtp-pass']) assert.ok(!text.includes(ref), ref);
    assert.deepEqual((redacted as { db: { host: string } }).db.host, 'pg');
    assert.equal((redacted as { plain: string }).plain, 'x');
  });
});

describe('jsonDiff', () => {
  it('diffs objects per key and replaces arrays whole', () => {
    assert.deepEqual(jsonDiff({ a: 1, b: { c: 2, d: 3 }, l: [1, 2] }, { a: 1, b: { c: 5 }, l: [2, 1], n: true }), [
      { op: 'remove', path: '/b/d' },
      { op: 'replace', path: '/b/c', value: 5 },
      { op: 'replace', path: '/l', value: [2, 1] },
      { op: 'add', path: '/n', value: true },
    ]);
  });

  it('first version is one add at the root; no change is empty', () => {
    assert.deepEqual(jsonDiff(undefined, 3), [{ op: 'add', path: '', value: 3 }]);
    assert.deepEqual(jsonDiff({ a: [1] }, { a: [1] }), []);
  });
});
