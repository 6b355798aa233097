import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { PolicyValidationError, validateBinding, validateRule, type RuleContext } from './rules.js';
import { PolicyIndex } from './policy-index.js';
import { PLATFORM_RULES, tenantDefaultRules } from './default-policy.js';

const index = new PolicyIndex();
for (const r of [...PLATFORM_RULES, ...tenantDefaultRules('acme')]) index.addRule(r);
const ctx: RuleContext = { isTenantId: (v) => /^[a-z][a-z0-9_]{1,30}$/.test(v), knownRoles: (d) => index.knownRoles(d) };

const base = { id: 'acme.x', domain: 'acme', subject: 'admin', resource: 'tool', action: 'tools.call', effect: 'deny' };
const fails = (input: Record<string, unknown>, kind: 'malformed' | 'unknown_role', field: string): void => {
  assert.throws(
    () => validateRule(input, ctx),
    (e: unknown) => e instanceof PolicyValidationError && e.kind === kind && e.issues.some((i) => i.field === field),
    JSON.stringify(input),
  );
};

describe('rule validation', () => {
  it('accepts a well-formed rule and defaults the condition', () => {
    assert.deepEqual(validateRule(base, ctx), { ...base, condition: 'true' });
    const r = validateRule({ ...base, condition: 'r.obj.owner == r.sub.id', reason: 'not_owner', description: 'd' }, ctx);
    assert.equal(r.reason, 'not_owner');
  });
  it('rejects malformed fields with their names', () => {
    fails({ ...base, id: 'Bad Id' }, 'malformed', 'id');
    fails({ ...base, domain: 'Tenant-X!' }, 'malformed', 'domain');
    fails({ ...base, domain: 7 }, 'malformed', 'domain');
    fails({ ...base, subject: 'Admin Role' }, 'malformed', 'subject');
    fails({ ...base, resource: '' }, 'malformed', 'resource');
    fails({ ...base, action: 'GET /x' }, 'malformed', 'action');
    fails({ ...base, effect: 'maybe' }, 'malformed', 'effect');
    fails({ ...base, reason: 'Not Snake' }, 'malformed', 'reason');
    fails({ ...base, condition: 'r.ctx.a ==' }, 'malformed', 'condition');
    fails({ ...base, condition: 42 }, 'malformed', 'condition');
  });
  it('refuses a tenant rule that grants a platform role', () => {
    fails({ ...base, subject: 'platform-admin', effect: 'allow' }, 'malformed', 'subject');
    assert.equal(validateRule({ ...base, subject: 'platform-admin' }, ctx).effect, 'deny');
  });
  it('refuses a condition naming an unknown role', () => {
    fails({ ...base, condition: 'hasRole(r.sub, "ghost")' }, 'unknown_role', 'condition');
  });
});

describe('binding validation', () => {
  it('accepts a role some rule defines', () => {
    assert.deepEqual(validateBinding({ domain: 'acme', subjectId: 'bob@acme.io', role: 'admin' }, ctx), {
      domain: 'acme',
      subjectId: 'bob@acme.io',
      role: 'admin',
    });
    assert.equal(validateBinding({ domain: '*', subjectId: 'ops', role: 'platform-break-glass' }, ctx).role, 'platform-break-glass');
  });
  it('rejects unknown roles and misplaced platform roles', () => {
    const err = (input: Record<string, unknown>, kind: string) =>
      assert.throws(
        () => validateBinding(input, ctx),
        (e: unknown) => e instanceof PolicyValidationError && e.kind === kind,
      );
    err({ domain: 'acme', subjectId: 'bob', role: 'auditor' }, 'unknown_role');
    err({ domain: 'globex', subjectId: 'bob', role: 'admin' }, 'unknown_role');
    err({ domain: 'acme', subjectId: 'bob', role: 'platform-admin' }, 'malformed');
    err({ domain: '*', subjectId: 'bob', role: 'admin' }, 'malformed');
    err({ domain: 'acme', subjectId: 'bad id with spaces', role: 'admin' }, 'malformed');
  });
});
