import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { chain, ChainVerifier, GENESIS_HASH, recordHash, type DecisionLogRecord } from './hash-chain.js';
import { compileMask, maskedCanonicalJson, MASK } from './masking.js';

const entry = (n: number) => ({
  decisionId: `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`,
  at: new Date(1_700_000_000_000 + n).toISOString(),
  tenantId: 'acme',
  subjectId: 'alice',
  action: 'GET',
  resourceType: 'context',
  allow: n % 2 === 0,
  reason: n % 2 === 0 ? 'allowed' : 'no_matching_rule',
  matchedRule: n % 2 === 0 ? 'acme.member-get-context' : null,
  traceId: null,
  latencyUs: n,
  input: JSON.stringify({ n }),
});

const verify = (records: DecisionLogRecord[], anchor?: { seq: number; hash: string }) => {
  const v = new ChainVerifier(anchor);
  for (const r of records) v.push(r);
  return v.result();
};

describe('decision log hash chain', () => {
  const records = chain(
    GENESIS_HASH,
    0,
    Array.from({ length: 10 }, (_, i) => entry(i + 1)),
  );

  it('links each record to the previous one and verifies intact', () => {
    assert.equal(records[0]!.prevHash, GENESIS_HASH);
    for (let i = 1; i < records.length; i++) assert.equal(records[i]!.prevHash, records[i - 1]!.hash);
    assert.deepEqual(verify(records), { ok: true, checked: 10, lastSeq: 10 });
  });

  it('continues a chain across batches', () => {
    const more = chain(records.at(-1)!.hash, 10, [entry(11), entry(12)]);
    assert.deepEqual(verify([...records, ...more]), { ok: true, checked: 12, lastSeq: 12 });
  });

  it('names exactly the edited record', () => {
    for (const field of ['allow', 'reason', 'input', 'at', 'latencyUs'] as const) {
      const tampered = records.map((r) => ({ ...r }));
      const r = tampered[6]!;
      (tampered[6] as Record<string, unknown>)[field] =
        typeof r[field] === 'boolean' ? !r[field] : typeof r[field] === 'number' ? (r[field] as number) + 1 : `${r[field]}x`;
      const res = verify(tampered);
      assert.equal(res.ok, false, field);
      assert.deepEqual(!res.ok && res.firstBroken, { seq: 7, decisionId: r.decisionId, problem: 'hash_mismatch' });
      assert.equal(res.checked, 6);
    }
  });

  it('detects an edit whose hash was recomputed at the next record', () => {
    const tampered = records.map((r) => ({ ...r }));
    const edited = { ...tampered[3]!, allow: !tampered[3]!.allow };
    tampered[3] = { ...edited, hash: recordHash(edited.prevHash, edited) };
    const res = verify(tampered);
    assert.deepEqual(!res.ok && res.firstBroken, { seq: 5, decisionId: records[4]!.decisionId, problem: 'link_mismatch' });
  });

  it('detects a deleted record', () => {
    const res = verify(records.filter((r) => r.seq !== 4));
    assert.deepEqual(!res.ok && res.firstBroken, { seq: 5, decisionId: records[4]!.decisionId, problem: 'seq_gap' });
  });

  it('verifies from a retention anchor', () => {
    const anchor = { seq: records[2]!.seq, hash: records[2]!.hash };
    assert.deepEqual(verify(records.slice(3), anchor), { ok: true, checked: 7, lastSeq: 10 });
    assert.equal(verify(records.slice(3)).ok, false);
  });
});

describe('decision input masking', () => {
  const input = {
    subject: { id: 'alice', roles: ['member'], tenants: ['acme'], attributes: { email: 'a@x.io', level: 2, apiKey: 'k1' } },
    tenantId: 'acme',
    resource: { type: 'context', attributes: { ssn: '123', nested: [{ password: 'p', ok: 1 }] } },
    action: 'GET',
    context: { authorization: 'Bearer abc', tenantTier: 'premium' },
  };

  it('masks configured paths and credential-looking keys anywhere', () => {
    const out = JSON.parse(maskedCanonicalJson(input, compileMask(['subject.attributes.email', 'resource.*.ssn']))) as typeof input;
    assert.equal(out.subject.attributes.email, MASK);
    assert.equal(out.subject.attributes.apiKey, MASK);
    assert.equal(out.subject.attributes.level, 2);
    assert.equal(out.resource.attributes.ssn, MASK);
    assert.deepEqual(out.resource.attributes.nested, [{ password: MASK, ok: 1 }]);
    assert.equal(out.context.authorization, MASK);
    assert.equal(out.context.tenantTier, 'premium');
    assert.equal(input.subject.attributes.email, 'a@x.io', 'input untouched');
  });

  it('masks a whole subtree named by a path', () => {
    assert.equal(maskedCanonicalJson({ a: { b: { c: 1 } }, d: 2 }, compileMask(['a.b'])), '{"a":{"b":"[masked]"},"d":2}');
  });

  it('sorts keys at every level and drops undefined, so equal inputs log identically', () => {
    const none = compileMask([]);
    assert.equal(maskedCanonicalJson({ b: 1, a: { d: [1, { f: 2, e: 3 }], c: undefined } }, none), '{"a":{"d":[1,{"e":3,"f":2}]},"b":1}');
    assert.equal(maskedCanonicalJson({ x: [undefined, 'q'], y: null }, none), '{"x":[null,"q"],"y":null}');
  });
});
