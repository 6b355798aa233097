import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { OPAClient } from '@styra/opa';
import {
  BindingAdd,
  BindingList,
  BindingRemove,
  DecisionEvaluate,
  ErrorCode,
  PolicyChanged,
  RuleAdd,
  RuleList,
  RuleRemove,
  TenantBootstrap,
  VersionGet,
  VersionRollback,
  type CloudEvent,
  type DecisionEvaluateRequest,
  type PolicyChangedEvent,
} from '#contracts';
import { eventually, NatsTestClient, TestPlatform, type AppProcess } from '#testing';
import { call, callFails } from './helpers.js';

const input = (id: string, tenantId: string, action: string, type: string, tenants: string[] = []): DecisionEvaluateRequest => ({
  subject: { id, roles: [], tenants },
  tenantId,
  resource: { type },
  action,
});

describe('mcp-policy-proxy administration, versions and two instances', () => {
  let platform: TestPlatform;
  let nats: NatsTestClient;
  let one: AppProcess;
  let two: AppProcess;
  const stored = async () => Number((await platform.database.query(`SELECT count(*) AS n FROM policy.rules`)).rows[0]!.n);
  const versionInDb = async () => Number((await platform.database.query(`SELECT max(version) AS v FROM policy.versions`)).rows[0]!.v);
  // Requests go to either instance (queue group): wait until both hold the latest version before reading.
  const converged = async () => {
    const v = await versionInDb();
    const versionOf = async (app: AppProcess) =>
      ((await (await fetch(`${app.url}/v1/policies`)).json()) as { result: [{ policy_version: number }] }).result[0].policy_version;
    await Promise.all([one, two].map((app) => eventually(async () => (await versionOf(app)) === v, 2_000, 10)));
  };

  before(async () => {
    platform = await TestPlatform.create();
    one = await platform.start('mcp-policy-proxy');
    two = await platform.start('mcp-policy-proxy');
    nats = await NatsTestClient.connect(platform.namespace.subjectPrefix);
    await call(nats, TenantBootstrap, { tenantId: 'acme', actor: 'svc:config' });
  });
  after(async () => {
    await nats?.close();
    await platform?.stop();
  });

  it('a rule added through either instance is enforced by both within 1 s', async () => {
    const clients = [new OPAClient(one.url), new OPAClient(two.url)];
    const ask = input('carol', 'acme', 'POST', 'workflow', ['acme']);
    for (const c of clients) assert.equal(await c.evaluate('mcp/authz/allow', ask), false);
    // The clock starts when the change is committed (the reply): from then on every instance must enforce it within 1 s.
    const enforcedByBoth = (expected: boolean) =>
      Promise.all(clients.map((c) => eventually(async () => (await c.evaluate('mcp/authz/allow', ask)) === expected, 1_000, 10)));
    for (let round = 0; round < 3; round++) {
      const id = `acme.members-run-${round}`;
      await call(nats, RuleAdd, {
        actor: 'alice',
        rule: { id, domain: 'acme', subject: 'member', resource: 'workflow', action: 'POST', effect: 'allow' },
      });
      await enforcedByBoth(true);
      await call(nats, RuleRemove, { actor: 'alice', domain: 'acme', id });
      await enforcedByBoth(false);
    }
  });

  it('publishes every committed version as a CloudEvent with incremental changes', async () => {
    const events = nats.collect(PolicyChanged.subject);
    const v0 = await versionInDb();
    const added = await call(nats, RuleAdd, {
      actor: 'dave',
      rule: { domain: 'acme', subject: 'admin', resource: 'secret', action: 'GET', effect: 'deny' },
    });
    assert.match(added.rule.id, /^acme\.[0-9a-f]{8}$/);
    await call(nats, RuleRemove, { actor: 'dave', domain: 'acme', id: added.rule.id });
    await eventually(() => events.messages.length >= 2);
    events.stop();
    const [add, remove] = events.messages as CloudEvent<PolicyChangedEvent>[];
    assert.equal(add!.specversion, '1.0');
    assert.equal(add!.type, 'com.mcp.policy.changed');
    assert.equal(add!.tenantid, 'acme');
    assert.deepEqual([add!.data.version, remove!.data.version], [v0 + 1, v0 + 2]);
    assert.deepEqual(add!.data.changes, [{ kind: 'rule', op: 'add', rule: { ...added.rule } }]);
    assert.equal(remove!.data.changes[0]!.op, 'remove');
    assert.equal(remove!.data.actor, 'dave');
  });

  it('rejects malformed rules and bindings with typed errors and stores nothing', async () => {
    const rulesBefore = await stored();
    const versionBefore = await versionInDb();
    const base = { domain: 'acme', subject: 'member', resource: 'context', action: 'GET', effect: 'allow' };
    const cases: Array<[object, RegExp]> = [
      [{ ...base, condition: 'r.ctx.tier ==' }, /condition/],
      [{ ...base, condition: 'process.exit(1)' }, /condition/],
      [{ ...base, condition: 'r.ctx.__proto__ == 1' }, /condition/],
      [{ ...base, subject: 'Bad Role' }, /subject/],
      [{ ...base, action: 'GET /x' }, /action/],
      [{ ...base, effect: 'maybe' }, /effect/],
      [{ ...base, domain: 'NOT_A_TENANT' }, /domain/],
      [{ ...base, id: 'globex.sneaky' }, /id/],
      [{ ...base, subject: 'platform-admin' }, /subject/],
      [{ ...base, condition: 'hasRole(r.sub, "ghost")' }, /unknown role/i],
      [{ ...base, extra: true }, /extra/],
    ];
    for (const [rule, re] of cases) {
      const err = await callFails(nats, RuleAdd, { actor: 'mallory', rule });
      assert.equal(err.code, ErrorCode.VALIDATION_FAILED, JSON.stringify(rule));
      assert.match(JSON.stringify(err), re, JSON.stringify(err));
    }
    const unknownRole = await callFails(nats, BindingAdd, {
      actor: 'mallory',
      binding: { domain: 'acme', subjectId: 'eve', role: 'auditor' },
    });
    assert.equal(unknownRole.code, ErrorCode.VALIDATION_FAILED);
    assert.equal(unknownRole.details?.['reason'], 'unknown_role');
    const platformInTenant = await callFails(nats, BindingAdd, {
      actor: 'mallory',
      binding: { domain: 'acme', subjectId: 'eve', role: 'platform-admin' },
    });
    assert.equal(platformInTenant.code, ErrorCode.VALIDATION_FAILED);
    const dup = await callFails(nats, RuleAdd, { actor: 'mallory', rule: { ...base, id: 'acme.member-get-context' } });
    assert.equal(dup.code, ErrorCode.CONFLICT);
    const missing = await callFails(nats, RuleRemove, { actor: 'mallory', domain: 'acme', id: 'platform.admin' });
    assert.equal(missing.code, ErrorCode.NOT_FOUND, 'a platform rule cannot be removed through a tenant domain');
    assert.equal(await stored(), rulesBefore);
    assert.equal(await versionInDb(), versionBefore);
  });

  it('bindings grant roles in one tenant only', async () => {
    await call(nats, TenantBootstrap, { tenantId: 'globex' });
    const b = await call(nats, BindingAdd, { actor: 'alice', binding: { domain: 'acme', subjectId: 'erin', role: 'admin' } });
    assert.deepEqual(b.binding, { domain: 'acme', subjectId: 'erin', role: 'admin' });
    const dupe = await callFails(nats, BindingAdd, { actor: 'alice', binding: { domain: 'acme', subjectId: 'erin', role: 'admin' } });
    assert.equal(dupe.code, ErrorCode.CONFLICT);
    await converged();
    const inAcme = await call(nats, DecisionEvaluate, input('erin', 'acme', 'DELETE', 'workflow'));
    assert.deepEqual([inAcme.allow, inAcme.matchedRule], [true, 'acme.admin-all']);
    const inGlobex = await call(nats, DecisionEvaluate, input('erin', 'globex', 'GET', 'context'));
    assert.deepEqual([inGlobex.allow, inGlobex.reason], [false, 'tenant_not_member']);
    assert.deepEqual((await call(nats, BindingList, { domain: 'acme', subjectId: 'erin' })).bindings, [b.binding]);
    assert.deepEqual((await call(nats, BindingList, { domain: 'globex' })).bindings, []);
    await call(nats, BindingRemove, { actor: 'alice', binding: b.binding });
    await converged();
    const after = await call(nats, DecisionEvaluate, input('erin', 'acme', 'DELETE', 'workflow'));
    assert.equal(after.reason, 'tenant_not_member');
    const again = await callFails(nats, BindingRemove, { actor: 'alice', binding: b.binding });
    assert.equal(again.code, ErrorCode.NOT_FOUND);
  });

  it('versions record who, when and the previous value; a past version can be read and restored', async () => {
    const start = await versionInDb();
    const ruleA = {
      id: 'acme.tools-a',
      domain: 'acme',
      subject: 'member',
      resource: 'tool',
      action: 'tools.call',
      effect: 'allow' as const,
      condition: 'startsWith(r.obj.id, "github.")',
    };
    await call(nats, RuleAdd, { actor: 'frank', rule: ruleA });
    await call(nats, BindingAdd, { actor: 'frank', binding: { domain: 'acme', subjectId: 'gina', role: 'admin' } });
    const checkpoint = await versionInDb();
    await call(nats, RuleRemove, { actor: 'grace', domain: 'acme', id: 'acme.tools-a' });
    await call(nats, RuleRemove, { actor: 'grace', domain: 'acme', id: 'acme.member-get-context' });
    await call(nats, RuleAdd, {
      actor: 'grace',
      rule: { id: 'acme.late', domain: 'acme', subject: 'member', resource: 'job', action: 'POST', effect: 'allow' },
    });
    await call(nats, RuleAdd, {
      actor: 'henry',
      rule: { id: 'globex.untouched', domain: 'globex', subject: 'member', resource: 'job', action: 'POST', effect: 'allow' },
    });

    const removal = await call(nats, VersionGet, { domain: 'acme', version: checkpoint + 1 });
    assert.equal(removal.record!.actor, 'grace');
    assert.equal(removal.record!.action, 'rule.remove');
    assert.ok(Date.now() - Date.parse(removal.record!.at) < 60_000);
    assert.deepEqual(removal.record!.items, [{ kind: 'rule', op: 'remove', rule: { ...ruleA } }]);
    const { rows } = await platform.database.query(`SELECT previous FROM policy.changes WHERE version = $1`, [checkpoint + 1]);
    assert.equal(rows[0]!.previous.condition, ruleA.condition, 'the previous value is stored');

    const past = await call(nats, VersionGet, { domain: 'acme', version: checkpoint });
    assert.deepEqual(
      past.rules.map((r) => r.id),
      ['acme.admin-all', 'acme.member-get-context', 'acme.tools-a'],
    );
    assert.deepEqual(past.bindings, [{ domain: 'acme', subjectId: 'gina', role: 'admin' }]);
    assert.ok(past.history.every((h) => h.domain === 'acme'));
    assert.ok(past.history.length >= 4 && past.history[0]!.version > start);

    const tool = input('ivan', 'acme', 'tools.call', 'tool', ['acme']);
    const githubTool = { ...tool, resource: { type: 'tool', id: 'github.search' } };
    await converged();
    assert.equal((await call(nats, DecisionEvaluate, githubTool)).allow, false);
    const rolled = await call(nats, VersionRollback, { actor: 'ops', domain: 'acme', toVersion: checkpoint });
    assert.equal(rolled.version, await versionInDb());
    assert.equal(rolled.changes, 3);
    for (const app of [one, two]) {
      await eventually(async () => (await new OPAClient(app.url).evaluate('mcp/authz/allow', githubTool)) === true);
    }
    assert.equal(
      (await call(nats, DecisionEvaluate, { ...tool, resource: { type: 'tool', id: 'slack.post' } })).allow,
      false,
      'condition restored too',
    );
    assert.deepEqual(
      (await call(nats, RuleList, { domain: 'acme' })).rules.map((r) => r.id),
      past.rules.map((r) => r.id),
    );
    assert.ok(
      (await call(nats, RuleList, { domain: 'globex' })).rules.some((r) => r.id === 'globex.untouched'),
      'other tenants untouched',
    );
    const noop = await call(nats, VersionRollback, { actor: 'ops', domain: 'acme', toVersion: checkpoint });
    assert.deepEqual(noop, { version: rolled.version, changes: 0 });
    const future = await callFails(nats, VersionRollback, { actor: 'ops', domain: 'acme', toVersion: rolled.version + 100 });
    assert.equal(future.code, ErrorCode.NOT_FOUND);
  });

  it('an instance that missed changes catches up from the database', async () => {
    // A version written behind the instances' backs (as if its event was lost) is picked up by the periodic check.
    const v = (await versionInDb()) + 1;
    const rule = {
      id: 'acme.backdoor-check',
      domain: 'acme',
      subject: 'member',
      resource: 'report',
      action: 'GET',
      condition: 'true',
      effect: 'allow',
    };
    await platform.database.query(`INSERT INTO policy.versions (version, actor, action, domain) VALUES ($1, 'test', 'rule.add', 'acme')`, [
      v,
    ]);
    await platform.database.query(
      `INSERT INTO policy.changes (version, ordinal, kind, op, domain, item_key, value) VALUES ($1, 0, 'rule', 'add', 'acme', $2, $3)`,
      [v, rule.id, JSON.stringify(rule)],
    );
    await platform.database.query(
      `INSERT INTO policy.rules (id, domain, subject, resource, action, condition, effect, version) VALUES ($1, 'acme', 'member', 'report', 'GET', 'true', 'allow', $2)`,
      [rule.id, v],
    );
    const ask = input('judy', 'acme', 'GET', 'report', ['acme']);
    for (const app of [one, two]) {
      await eventually(async () => (await new OPAClient(app.url).evaluate('mcp/authz/allow', ask)) === true, 8_000, 100);
    }
  });
});
