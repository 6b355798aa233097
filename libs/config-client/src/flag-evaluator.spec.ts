import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { FlagDefinition } from '#contracts';
import { bucketOf, evaluateFlag, flagDefinitionProblems } from './flag-evaluator.js';

function flag(overrides: Partial<FlagDefinition> = {}): FlagDefinition {
  return {
    key: 'new-ui',
    kind: 'boolean',
    variations: [false, true],
    offVariation: 0,
    enabled: true,
    killed: false,
    rules: [],
    fallthrough: { variation: 0 },
    version: 1,
    updatedAt: '2026-11-26T00:00:00.000Z',
    updatedBy: 'test',
    ...overrides,
  };
}

describe('bucketOf', () => {
  it('is stable and in [0, 100)', () => {
    for (let i = 0; i < 1000; i++) {
      const b = bucketOf('f', `user-${i}`);
      assert.ok(b >= 0 && b < 100);
      assert.equal(bucketOf('f', `user-${i}`), b);
    }
  });

  it('never changes between releases (a changed hash would move users between buckets)', () => {
    assert.deepEqual(
      [bucketOf('new-ui', 'user-1'), bucketOf('new-ui', 'user-2'), bucketOf('checkout', 'tenant-123')],
      [24.151, 64.677, 26.877],
    );
  });

  it('decorrelates flags for the same user', () => {
    let same = 0;
    for (let i = 0; i < 2000; i++) if (bucketOf('a', `u${i}`) < 50 === bucketOf('b', `u${i}`) < 50) same++;
    assert.ok(same > 900 && same < 1100, `agreement ${same}/2000 should be near half`);
  });
});

describe('evaluateFlag', () => {
  it('serves the rollout share within 2 points on 10,000 users, stably', () => {
    const f = flag({
      fallthrough: {
        rollout: [
          { variation: 1, weight: 30 },
          { variation: 0, weight: 70 },
        ],
      },
    });
    let on = 0;
    for (let i = 0; i < 10_000; i++) {
      const ctx = { userId: `user-${i}` };
      const first = evaluateFlag(f, ctx);
      assert.deepEqual(evaluateFlag(f, ctx), first);
      if (first.value === true) on++;
    }
    assert.ok(Math.abs(on / 100 - 30) <= 2, `${on / 100}% on`);
  });

  it('grows a rollout without moving users who were already in', () => {
    const at = (w: number) =>
      flag({
        fallthrough: {
          rollout: [
            { variation: 1, weight: w },
            { variation: 0, weight: 100 - w },
          ],
        },
      });
    for (let i = 0; i < 2000; i++) {
      const ctx = { userId: `u${i}` };
      if (evaluateFlag(at(10), ctx).value === true) assert.equal(evaluateFlag(at(40), ctx).value, true);
    }
  });

  it('kill switch overrides rules and enabled', () => {
    const f = flag({
      killed: true,
      rules: [{ id: 'all', clauses: [{ attribute: 'tenantId', op: 'in', values: ['t1'] }], serve: { variation: 1 } }],
    });
    assert.deepEqual(evaluateFlag(f, { tenantId: 't1' }), { value: false, variation: 0, reason: 'KILLED' });
  });

  it('disabled serves offVariation', () => {
    assert.equal(evaluateFlag(flag({ enabled: false, offVariation: 1 }), {}).reason, 'OFF');
  });

  it('first matching rule wins; clauses are ANDed', () => {
    const f = flag({
      kind: 'multivariate',
      variations: ['control', 'blue', 'green'],
      rules: [
        {
          id: 'beta-eu',
          clauses: [
            { attribute: 'tenantId', op: 'in', values: ['t1'] },
            { attribute: 'region', op: 'in', values: ['eu'] },
          ],
          serve: { variation: 1 },
        },
        { id: 'beta', clauses: [{ attribute: 'tenantId', op: 'in', values: ['t1'] }], serve: { variation: 2 } },
      ],
    });
    assert.deepEqual(evaluateFlag(f, { tenantId: 't1', attributes: { region: 'eu' } }), {
      value: 'blue',
      variation: 1,
      reason: 'RULE_MATCH',
      ruleId: 'beta-eu',
    });
    assert.equal(evaluateFlag(f, { tenantId: 't1', attributes: { region: 'us' } }).ruleId, 'beta');
    assert.equal(evaluateFlag(f, { tenantId: 't2' }).reason, 'FALLTHROUGH');
  });

  it('a clause on a missing attribute never matches, notIn included', () => {
    const f = flag({ rules: [{ id: 'r', clauses: [{ attribute: 'plan', op: 'notIn', values: ['free'] }], serve: { variation: 1 } }] });
    assert.equal(evaluateFlag(f, {}).value, false);
    assert.equal(evaluateFlag(f, { attributes: { plan: 'pro' } }).value, true);
    assert.equal(evaluateFlag(f, { attributes: { plan: 'free' } }).value, false);
  });

  it('numeric and list attributes', () => {
    const f = flag({
      rules: [
        { id: 'old', clauses: [{ attribute: 'age', op: 'gte', values: [30] }], serve: { variation: 1 } },
        { id: 'grp', clauses: [{ attribute: 'groups', op: 'in', values: ['beta'] }], serve: { variation: 1 } },
      ],
    });
    assert.equal(evaluateFlag(f, { attributes: { age: 30 } }).ruleId, 'old');
    assert.equal(evaluateFlag(f, { attributes: { age: '30' } }).reason, 'FALLTHROUGH');
    assert.equal(evaluateFlag(f, { attributes: { groups: ['alpha', 'beta'] } }).ruleId, 'grp');
  });
});

describe('flagDefinitionProblems', () => {
  it('accepts a valid flag', () => {
    assert.deepEqual(
      flagDefinitionProblems(
        flag({
          fallthrough: {
            rollout: [
              { variation: 1, weight: 33.33 },
              { variation: 0, weight: 66.67 },
            ],
          },
        }),
      ),
      [],
    );
  });

  it('names the failing paths', () => {
    const problems = flagDefinitionProblems(
      flag({
        variations: [true, false],
        offVariation: 2,
        rules: [
          { id: 'a', clauses: [], serve: { variation: 5 } },
          { id: 'a', clauses: [{ attribute: 'x', op: 'in', values: [1] }], serve: { variation: 0 } },
        ],
        fallthrough: { rollout: [{ variation: 1, weight: 30 }] },
      }),
    );
    assert.deepEqual(
      problems.map((p) => p.split(':')[0]),
      ['/variations', '/offVariation', '/rules/0/clauses', '/rules/0/serve/variation', '/rules/1/id', '/fallthrough/rollout'],
    );
  });
});
