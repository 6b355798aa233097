import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { PolicyIndex, type DecisionInput } from './policy-index.js';
import { CasbinOracle } from './casbin-oracle.js';
import { PLATFORM_RULES, tenantDefaultRules } from './default-policy.js';
import type { PolicyRule, RoleBinding } from './rules.js';

function seeded(...tenants: string[]): PolicyIndex {
  const index = new PolicyIndex();
  for (const r of PLATFORM_RULES) index.addRule(r);
  for (const t of tenants) for (const r of tenantDefaultRules(t)) index.addRule(r);
  return index;
}

const req = (over: Partial<DecisionInput> & { roles?: string[]; tenants?: string[]; status?: string }): DecisionInput => ({
  subject: { id: 'alice', roles: over.roles ?? [], tenants: over.tenants ?? ['acme'] },
  tenantId: over.tenantId ?? 'acme',
  resource: over.resource ?? { type: 'context', id: 'ctx-1' },
  action: over.action ?? 'GET',
  context: over.status ? { tenantStatus: over.status } : {},
});

describe('seed 004 §7.1 default policy', () => {
  const index = seeded('acme', 'globex');

  it('a user may GET contexts of a tenant they belong to', () => {
    assert.deepEqual(index.evaluate(req({})), { allow: true, reason: 'allowed', matchedRule: 'acme.member-get-context' });
  });
  it('a user may not write contexts or read other resources', () => {
    assert.equal(index.evaluate(req({ action: 'POST' })).reason, 'no_matching_rule');
    assert.equal(index.evaluate(req({ resource: { type: 'workflow' } })).allow, false);
  });
  it('a tenant admin may do anything in the tenant', () => {
    const d = index.evaluate(req({ roles: ['admin'], action: 'DELETE', resource: { type: 'workflow' } }));
    assert.deepEqual(d, { allow: true, reason: 'allowed', matchedRule: 'acme.admin-all' });
  });
  it('a suspended tenant is denied everything, admin included', () => {
    for (const roles of [[], ['admin'], ['platform-admin']]) {
      const d = index.evaluate(req({ roles, status: 'suspended' }));
      assert.deepEqual(d, { allow: false, reason: 'tenant_suspended', matchedRule: 'platform.suspended-tenant' }, roles.join());
    }
  });
  it('the break-glass role passes a suspension', () => {
    const d = index.evaluate(req({ roles: ['platform-break-glass'], tenants: [], status: 'suspended', action: 'POST' }));
    assert.deepEqual(d, { allow: true, reason: 'break_glass', matchedRule: 'platform.break-glass' });
  });
  it('platform admins act in every tenant; tenant admins only in theirs', () => {
    assert.equal(index.evaluate(req({ roles: ['platform-admin'], tenants: [], tenantId: 'globex', action: 'PUT' })).allow, true);
    assert.deepEqual(index.evaluate(req({ roles: ['admin'], tenantId: 'globex' })), { allow: false, reason: 'tenant_not_member' });
  });
  it('cross-tenant requests are denied in every combination', () => {
    for (const roles of [[], ['admin'], ['member'], ['admin', 'member', 'viewer']]) {
      for (const action of ['GET', 'POST', 'tools.call', '*']) {
        for (const type of ['context', 'tool', 'workflow']) {
          for (const status of [undefined, 'active', 'suspended']) {
            const d = index.evaluate(
              req({ roles, action, resource: { type }, tenants: ['acme'], tenantId: 'globex', ...(status ? { status } : {}) }),
            );
            assert.equal(d.allow, false, `${roles} ${action} ${type} ${status}`);
          }
        }
      }
    }
  });
  it('a role bound in one tenant does not reach another', () => {
    const i = seeded('acme', 'globex');
    i.addBinding({ domain: 'acme', subjectId: 'bob', role: 'admin' });
    const bob = (tenantId: string): DecisionInput => ({
      subject: { id: 'bob', roles: [], tenants: [] },
      tenantId,
      resource: { type: 'tool' },
      action: 'tools.call',
    });
    assert.equal(i.evaluate(bob('acme')).allow, true);
    assert.equal(i.evaluate(bob('globex')).reason, 'tenant_not_member');
  });
});

describe('rule matching', () => {
  const rule = (over: Partial<PolicyRule>): PolicyRule => ({
    id: 'r',
    domain: 'acme',
    subject: 'member',
    resource: '*',
    action: '*',
    condition: 'true',
    effect: 'allow',
    ...over,
  });

  it('deny beats allow regardless of order', () => {
    for (const order of [
      ['a', 'd'],
      ['d', 'a'],
    ]) {
      const i = new PolicyIndex();
      for (const id of order) {
        i.addRule(
          rule({ id, effect: id === 'd' ? 'deny' : 'allow', subject: id === 'd' ? '*' : 'member', domain: id === 'd' ? '*' : 'acme' }),
        );
      }
      assert.deepEqual(i.evaluate(req({})), { allow: false, reason: 'explicit_deny', matchedRule: 'd' });
    }
  });
  it('ABAC: owner and tier conditions', () => {
    const i = new PolicyIndex();
    i.addRule(rule({ id: 'own', resource: 'context', action: 'DELETE', condition: 'r.obj.owner == r.sub.id' }));
    i.addRule(
      rule({ id: 'gpu', resource: 'job', action: 'POST', condition: 'r.ctx.tenantTier == "premium" || r.obj.attributes.pool != "gpu"' }),
    );
    const del = (owner: string) => i.evaluate(req({ action: 'DELETE', resource: { type: 'context', owner } }));
    assert.equal(del('alice').allow, true);
    assert.equal(del('bob').allow, false);
    const job = (tier: string, pool: string): boolean =>
      i.evaluate({ ...req({ action: 'POST', resource: { type: 'job', attributes: { pool } } }), context: { tenantTier: tier } }).allow;
    assert.equal(job('premium', 'gpu'), true);
    assert.equal(job('basic', 'gpu'), false);
    assert.equal(job('basic', 'standard'), true);
  });
  it('removing a rule or binding takes effect and cleans the index', () => {
    const i = seeded('acme');
    i.addBinding({ domain: 'acme', subjectId: 'bob', role: 'admin' });
    i.removeRule('acme.admin-all');
    assert.equal(
      i.evaluate({ subject: { id: 'bob', roles: [], tenants: [] }, tenantId: 'acme', resource: { type: 'x' }, action: 'PUT' }).reason,
      'no_matching_rule',
    );
    assert.equal(i.removeBinding({ domain: 'acme', subjectId: 'bob', role: 'admin' }), true);
    assert.equal(
      i.evaluate({ subject: { id: 'bob', roles: [], tenants: [] }, tenantId: 'acme', resource: { type: 'context' }, action: 'GET' }).reason,
      'tenant_not_member',
    );
    assert.equal(i.knownRoles('acme').has('admin'), false);
    assert.equal(i.ruleCount, PLATFORM_RULES.length + 1);
  });
});

// The index must decide exactly as casbin does with the model file, over random policies and requests.
describe('indexed engine = casbin with the model file', () => {
  const tenants = ['t1', 't2'];
  const roles = ['member', 'admin', 'viewer', 'platform-admin', 'platform-break-glass'];
  const conditions = [
    'true',
    'false',
    'r.ctx.tenantStatus == "suspended"',
    'r.obj.owner == r.sub.id',
    'r.ctx.tenantTier != "basic"',
    '!hasRole(r.sub, "platform-break-glass")',
    'r.sub.attributes.level >= 2 && r.act != "DELETE"',
    'startsWith(r.obj.id, "a") || r.dom == "t1"',
    'hasRole(r.sub, "viewer") && r.ctx.tenantStatus != "suspended"',
  ];
  const ruleArb = fc.record({
    subject: fc.constantFrom('*', ...roles),
    domain: fc.constantFrom('*', ...tenants),
    resource: fc.constantFrom('*', 'context', 'tool'),
    action: fc.constantFrom('*', 'GET', 'POST', 'tools.call'),
    condition: fc.constantFrom(...conditions),
    effect: fc.constantFrom<'allow' | 'deny'>('allow', 'deny'),
  });
  const bindingArb = fc.record({
    domain: fc.constantFrom(...tenants),
    subjectId: fc.constantFrom('u1', 'u2'),
    role: fc.constantFrom('admin', 'viewer'),
  });
  const requestArb = fc.record({
    id: fc.constantFrom('u1', 'u2', 'u3'),
    roles: fc.subarray(roles),
    tenants: fc.subarray(tenants),
    tenantId: fc.constantFrom(...tenants),
    type: fc.constantFrom('context', 'tool', 'job'),
    resId: fc.constantFrom('abc', 'xyz'),
    owner: fc.constantFrom('u1', 'u2'),
    action: fc.constantFrom('GET', 'POST', 'DELETE', 'tools.call'),
    status: fc.constantFrom('active', 'suspended'),
    tier: fc.constantFrom('basic', 'premium'),
    level: fc.integer({ min: 0, max: 3 }),
  });

  it('agrees on allow/deny and on which kind of rule decided', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(ruleArb, { maxLength: 25 }),
        fc.array(bindingArb, { maxLength: 4 }),
        fc.array(requestArb, { minLength: 1, maxLength: 8 }),
        async (rs, bs, reqs) => {
          const rules: PolicyRule[] = rs.map((r, n) => ({ ...r, id: `r${n}` }));
          const index = new PolicyIndex();
          for (const r of rules) index.addRule(r);
          for (const b of bs as RoleBinding[]) index.addBinding(b);
          const oracle = await CasbinOracle.create(rules, index);
          for (const q of reqs) {
            const input: DecisionInput = {
              subject: { id: q.id, roles: q.roles, tenants: q.tenants, attributes: { level: q.level } },
              tenantId: q.tenantId,
              resource: { type: q.type, id: q.resId, owner: q.owner },
              action: q.action,
              context: { tenantStatus: q.status, tenantTier: q.tier },
            };
            const mine = index.evaluate(input);
            const theirs = oracle.decide(input, await oracle.grant(input));
            assert.equal(mine.allow, theirs.allow, JSON.stringify({ input, mine, theirs }));
            const effectOf = (id?: string) => rules.find((r) => r.id === id)?.effect;
            assert.equal(effectOf(mine.matchedRule), effectOf(theirs.matchedRule), JSON.stringify({ input, mine, theirs }));
          }
        },
      ),
      { numRuns: 300 },
    );
  });
});
