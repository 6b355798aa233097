import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { applyToIndex, classifyEvent, diffDomain, replay, type PolicyChange } from './changes.js';
import { PolicyIndex } from '../engine/policy-index.js';
import { PLATFORM_RULES, tenantDefaultRules } from '../engine/default-policy.js';

const [member, admin] = tenantDefaultRules('acme');
const log: PolicyChange[] = [
  ...PLATFORM_RULES.map((rule) => ({ kind: 'rule' as const, op: 'add' as const, rule })),
  { kind: 'rule', op: 'add', rule: member! },
  { kind: 'rule', op: 'add', rule: admin! },
  { kind: 'binding', op: 'add', binding: { domain: 'acme', subjectId: 'bob', role: 'admin' } },
  { kind: 'rule', op: 'add', rule: tenantDefaultRules('globex')[0]! },
  { kind: 'rule', op: 'remove', rule: member! },
  { kind: 'binding', op: 'remove', binding: { domain: 'acme', subjectId: 'bob', role: 'admin' } },
  { kind: 'rule', op: 'add', rule: { ...admin!, action: 'GET' } },
];

describe('policy versions', () => {
  it('replays a prefix of the log to a past version', () => {
    const v6 = replay(log.slice(0, 6));
    assert.deepEqual([...v6.rules.keys()].sort(), ['acme.admin-all', 'acme.member-get-context', ...PLATFORM_RULES.map((r) => r.id)].sort());
    assert.equal(v6.bindings.size, 1);
  });

  it('rolls one domain back without touching the others', () => {
    const current = replay(log);
    const target = replay(log.slice(0, 6));
    const diff = diffDomain(current, target, 'acme');
    assert.deepEqual(
      diff.map((c) => `${c.kind}:${c.op}:${c.kind === 'rule' ? c.rule.id : c.binding.subjectId}`),
      ['rule:remove:acme.admin-all', 'rule:add:acme.member-get-context', 'rule:add:acme.admin-all', 'binding:add:bob'],
    );
    const after = replay([...log, ...diff]);
    assert.deepEqual(
      [...after.rules.values()].filter((r) => r.domain === 'acme').sort((a, b) => a.id.localeCompare(b.id)),
      [admin, member],
    );
    assert.ok(after.rules.has('globex.member-get-context'), 'other tenant kept');
    assert.equal(diffDomain(after, target, 'acme').length, 0);
  });

  it('applies changes to a live index, replacing a rule with the same id', () => {
    const index = new PolicyIndex();
    applyToIndex(index, log);
    assert.equal(index.getRule('acme.admin-all')!.action, 'GET');
    assert.equal(index.hasRule('acme.member-get-context'), false);
    assert.equal(index.bindingCount, 0);
  });

  it('classifies events against the local version', () => {
    assert.equal(classifyEvent(5, 5), 'stale');
    assert.equal(classifyEvent(5, 3), 'stale');
    assert.equal(classifyEvent(5, 6), 'apply');
    assert.equal(classifyEvent(5, 8), 'gap');
  });
});
