import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { compileCondition, ConditionSyntaxError, conditionRoles, type ConditionInput } from './condition.js';

const input = (over: Partial<ConditionInput> = {}): ConditionInput => ({
  sub: { id: 'u1', roles: ['member', 'editor'], attributes: { level: 3, dept: 'eng' } },
  obj: { type: 'context', id: 'c1', owner: 'u1', attributes: { classification: 'internal', size: 10 } },
  act: 'GET',
  dom: 'acme',
  ctx: { tenantStatus: 'active', tenantTier: 'premium' },
  ...over,
});

describe('condition language', () => {
  const cases: Array<[string, boolean]> = [
    ['true', true],
    ['false', false],
    ['r.ctx.tenantTier == "premium"', true],
    ["r.ctx.tenantTier == 'basic'", false],
    ['r.obj.owner == r.sub.id', true],
    ['r.obj.owner != r.sub.id', false],
    ['r.sub.attributes.level >= 3 && r.obj.attributes.size < 11', true],
    ['r.sub.attributes.level > 3 || r.act == "POST"', false],
    ['!(r.dom == "acme")', false],
    ['hasRole(r.sub, "editor")', true],
    ['hasRole(r.sub, "admin")', false],
    ['startsWith(r.obj.id, "c")', true],
    ['startsWith(r.obj.missing, "c")', false],
    // A missing attribute equals nothing and orders against nothing.
    ['r.ctx.missing == "x"', false],
    ['r.ctx.missing != "x"', true],
    ['r.ctx.missing < 5', false],
    ['r.ctx.tenantTier < 5', false],
    ['r.sub.attributes.level == -3', false],
  ];
  for (const [src, expected] of cases) {
    it(`${src} → ${expected}`, () => assert.equal(compileCondition(src)(input()), expected));
  }

  it('does not reach inherited properties', () => {
    assert.equal(compileCondition('r.ctx.toString == r.ctx.toString')(input()), true); // both undefined
    assert.equal(compileCondition('r.ctx.hasOwnProperty != "x"')(input()), true);
  });

  const malformed: Array<[string, RegExp]> = [
    ['', /expected a value/],
    ['r.ctx.a ==', /expected a value/],
    ['r.secret.a == 1', /must start with r.sub/],
    ['r.ctx.__proto__ == 1', /not allowed/],
    ['r.sub.constructor == 1', /not allowed/],
    ['r.act.length == 3', /no properties/],
    ['process.exit()', /unknown identifier/],
    ['r.ctx.a == "x', /unterminated/],
    ['r.ctx.a == "x\\"y"', /escape/],
    ['r.ctx.a == 1 == 1', /chained/],
    ['r.ctx.a = 1', /unexpected character|expected/],
    ['hasRole("admin")', /first argument/],
    ['hasRole(r.sub, r.ctx.role)', /string role/],
    ['r.sub.roles == 1', /hasRole/],
    ['r.ctx.a.b.c.d.e == 1', /too deep/],
    ['(r.ctx.a == 1', /expected '\)'/],
    ['r.ctx.a == 1 r.ctx.b', /trailing/],
    ['x'.repeat(600), /longer than/],
  ];
  for (const [src, re] of malformed) {
    it(`rejects ${JSON.stringify(src.slice(0, 40))}`, () => {
      assert.throws(
        () => compileCondition(src),
        (e: unknown) => e instanceof ConditionSyntaxError && re.test(e.message),
      );
    });
  }

  it('lists the roles a condition names', () => {
    assert.deepEqual(conditionRoles('hasRole(r.sub, "a") || !hasRole(r.sub, "b") && startsWith(r.obj.id, "x")'), ['a', 'b']);
  });
});
