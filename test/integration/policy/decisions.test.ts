import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { OPAClient } from '@styra/opa';
import {
  AuditVerify,
  DecisionEvaluate,
  DecisionEvaluateBatch,
  ErrorCode,
  RuleAdd,
  TenantBootstrap,
  type DecisionEvaluateRequest,
} from '#contracts';
import { createAppDataSource } from '#database';
import { processEnvironment } from '#env';
import { eventually, NatsTestClient, TestPlatform } from '#testing';
import { DecisionLogStore } from '../../../apps/mcp-policy-proxy/src/audit/decision-log-store.js';
import { policyDataSourceSpec } from '../../../apps/mcp-policy-proxy/src/database/data-source.js';
import { call, callFails } from './helpers.js';

type Who = { id?: string; roles?: string[]; tenants?: string[]; attributes?: Record<string, unknown> };
const ask = (who: Who, tenantId: string, action: string, type: string, context: Record<string, unknown> = {}): DecisionEvaluateRequest => ({
  subject: {
    id: who.id ?? 'alice',
    roles: who.roles ?? [],
    tenants: who.tenants ?? [],
    ...(who.attributes ? { attributes: who.attributes } : {}),
  },
  tenantId,
  resource: { type, id: 'r-1' },
  action,
  context,
});

describe('mcp-policy-proxy decisions on real Postgres and NATS', () => {
  let platform: TestPlatform;
  let nats: NatsTestClient;
  let url: string;
  const decide = (req: DecisionEvaluateRequest) => call(nats, DecisionEvaluate, req);

  before(async () => {
    platform = await TestPlatform.create();
    await platform.start('mcp-policy-proxy', {
      POLICY_DECISION_LOG_FLUSH_MS: '50',
      POLICY_DECISION_LOG_MASK: 'subject.attributes.email,resource.attributes.*',
    });
    url = platform.app('mcp-policy-proxy').url;
    nats = await NatsTestClient.connect(platform.namespace.subjectPrefix);
    for (const tenantId of ['acme', 'globex']) {
      const boot = await call(nats, TenantBootstrap, { tenantId });
      assert.deepEqual(boot.installed.sort(), [`${tenantId}.admin-all`, `${tenantId}.member-get-context`]);
    }
  });
  after(async () => {
    await nats?.close();
    await platform?.stop();
  });

  describe('seed 004 §7.1 out of the box', () => {
    const member = { tenants: ['acme'] };
    const admin = { roles: ['admin'], tenants: ['acme'] };

    it('a user may GET contexts of a tenant they belong to', async () => {
      const d = await decide(ask(member, 'acme', 'GET', 'context'));
      assert.equal(d.allow, true);
      assert.equal(d.reason, 'allowed');
      assert.equal(d.matchedRule, 'acme.member-get-context');
      assert.match(d.decisionId, /^[0-9a-f-]{36}$/);
      assert.ok(d.policyVersion >= 3);
    });

    it('a user may not do anything else', async () => {
      for (const [action, type] of [
        ['POST', 'context'],
        ['DELETE', 'context'],
        ['GET', 'workflow'],
        ['tools.call', 'tool'],
      ]) {
        const d = await decide(ask(member, 'acme', action!, type!));
        assert.deepEqual([d.allow, d.reason], [false, 'no_matching_rule'], `${action} ${type}`);
      }
    });

    it('an admin may do anything in the tenant', async () => {
      for (const [action, type] of [
        ['POST', 'context'],
        ['DELETE', 'workflow'],
        ['tools.call', 'tool'],
      ]) {
        const d = await decide(ask(admin, 'acme', action!, type!));
        assert.deepEqual([d.allow, d.matchedRule], [true, 'acme.admin-all']);
      }
    });

    it('a suspended tenant is denied everything, admin and platform admin included', async () => {
      for (const who of [member, admin, { roles: ['platform-admin'] }]) {
        const d = await decide(ask(who, 'acme', 'GET', 'context', { tenantStatus: 'suspended' }));
        assert.deepEqual([d.allow, d.reason, d.matchedRule], [false, 'tenant_suspended', 'platform.suspended-tenant'], JSON.stringify(who));
      }
    });

    it('only the platform break-glass role passes a suspension', async () => {
      const d = await decide(
        ask({ id: 'oncall', roles: ['platform-break-glass'] }, 'acme', 'DELETE', 'context', { tenantStatus: 'suspended' }),
      );
      assert.deepEqual([d.allow, d.reason, d.matchedRule], [true, 'break_glass', 'platform.break-glass']);
    });
  });

  it('denies cross-tenant requests in every combination tried', async () => {
    const requests: DecisionEvaluateRequest[] = [];
    for (const roles of [[], ['admin'], ['member'], ['admin', 'viewer']]) {
      for (const action of ['GET', 'POST', 'DELETE', 'tools.call']) {
        for (const type of ['context', 'tool', 'workflow']) {
          for (const context of [{}, { tenantStatus: 'active' }, { tenantStatus: 'suspended' }, { tenantTier: 'premium' }]) {
            requests.push(ask({ roles, tenants: ['acme'] }, 'globex', action, type, context));
          }
        }
      }
    }
    const { decisions } = await call(nats, DecisionEvaluateBatch, { requests });
    assert.equal(decisions.length, requests.length);
    decisions.forEach((d, i) => assert.equal(d.allow, false, JSON.stringify(requests[i])));
    assert.ok(decisions.filter((d) => d.reason === 'tenant_not_member').length >= requests.length * 0.75);
  });

  it('an explicit deny beats an allow', async () => {
    const before = await decide(ask({ roles: ['admin'], tenants: ['acme'] }, 'acme', 'tools.call', 'tool', {}));
    assert.equal(before.allow, true);
    await call(nats, RuleAdd, {
      actor: 'alice',
      rule: {
        id: 'acme.no-tools-for-basic',
        domain: 'acme',
        subject: '*',
        resource: 'tool',
        action: 'tools.call',
        condition: 'r.ctx.tenantTier == "basic"',
        effect: 'deny',
        reason: 'tier_too_low',
      },
    });
    const denied = await decide(ask({ roles: ['admin'], tenants: ['acme'] }, 'acme', 'tools.call', 'tool', { tenantTier: 'basic' }));
    assert.deepEqual([denied.allow, denied.reason, denied.matchedRule], [false, 'tier_too_low', 'acme.no-tools-for-basic']);
    const premium = await decide(ask({ roles: ['admin'], tenants: ['acme'] }, 'acme', 'tools.call', 'tool', { tenantTier: 'premium' }));
    assert.equal(premium.allow, true);
  });

  it('answers malformed decision requests with typed errors', async () => {
    const good = ask({ tenants: ['acme'] }, 'acme', 'GET', 'context');
    for (const bad of [
      { ...good, tenantId: 'ACME; DROP SCHEMA' },
      { ...good, tenantId: '../etc' },
      { ...good, action: '' },
      { ...good, subject: { ...good.subject, roles: 'admin' } },
      { ...good, subject: { ...good.subject, tenants: ['Not A Tenant'] } },
      { ...good, resource: { type: 'context', extra: 1 } },
      { ...good, resource: undefined },
    ]) {
      const err = await callFails(nats, DecisionEvaluate, bad);
      assert.equal(err.code, ErrorCode.VALIDATION_FAILED, JSON.stringify(bad));
    }
    const batch = await callFails(nats, DecisionEvaluateBatch, { requests: [good, { ...good, tenantId: 'x y' }] });
    assert.equal(batch.code, ErrorCode.VALIDATION_FAILED);
    assert.match(JSON.stringify(batch.details), /requests\.1\.tenantId/);
    const empty = await callFails(nats, DecisionEvaluateBatch, { requests: [] });
    assert.equal(empty.code, ErrorCode.VALIDATION_FAILED);
  });

  describe('OPA-compatible Data API', () => {
    it('answers an OPA client library', async () => {
      const opa = new OPAClient(url);
      const input = ask({ tenants: ['acme'] }, 'acme', 'GET', 'context');
      assert.equal(await opa.evaluate<DecisionEvaluateRequest, boolean>('mcp/authz/allow', input), true);
      assert.equal(await opa.evaluate<DecisionEvaluateRequest, boolean>('mcp/authz/allow', { ...input, action: 'DELETE' }), false);
      assert.equal(await opa.evaluate<DecisionEvaluateRequest, boolean>('mcp/authz/allow', { ...input, tenantId: 'globex' }), false);
      const whole = await opa.evaluate<DecisionEvaluateRequest, Record<string, unknown>>('mcp/authz', {
        ...input,
        context: { tenantStatus: 'suspended' },
      });
      assert.deepEqual(
        { ...whole, policy_version: 0 },
        { allow: false, deny: true, reason: 'tenant_suspended', matched_rule: 'platform.suspended-tenant', policy_version: 0 },
      );
      assert.equal(await opa.evaluate('mcp/authz/reason', { ...input, action: 'PUT' }), 'no_matching_rule');
    });

    it('answers an OPA client batch', async () => {
      const opa = new OPAClient(url);
      const input = ask({ tenants: ['acme'] }, 'acme', 'GET', 'context');
      const results = await opa.evaluateBatch<DecisionEvaluateRequest, boolean>('mcp/authz/allow', {
        read: input,
        write: { ...input, action: 'POST' },
        foreign: { ...input, tenantId: 'globex' },
      });
      assert.deepEqual(results, { read: true, write: false, foreign: false });
      const bad = await fetch(`${url}/v1/batch/data/mcp/authz/allow`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ inputs: { ok: input, broken: { ...input, tenantId: 'Bad Tenant' } } }),
      });
      assert.equal(bad.status, 400);
      assert.match(JSON.stringify(await bad.json()), /inputs\.broken\.tenantId/);
    });

    it('accepts the seed Rego input shape', async () => {
      const opa = new OPAClient(url);
      const seed = {
        method: 'GET',
        tenant_id: 'acme',
        user_id: 'u9',
        user_role: 'viewer',
        user_tenants: ['acme'],
        resource_type: 'context',
      };
      assert.equal(await opa.evaluate('mcp/authz/allow', seed), true);
      assert.equal(await opa.evaluate('mcp/authz/allow', { ...seed, user_tenants: ['globex'] }), false);
      assert.equal(await opa.evaluate('mcp/authz/allow', { ...seed, user_role: 'admin', method: 'DELETE' }), true);
      assert.equal(await opa.evaluate('mcp/authz/deny', { ...seed, user_role: 'admin', tenant_status: 'suspended' }), true);
    });

    it('returns decision ids, undefined documents, typed errors and the loaded policy', async () => {
      const res = await fetch(`${url}/v1/data/mcp/authz/allow`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', traceparent: '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01' },
        body: JSON.stringify({ input: ask({ tenants: ['acme'] }, 'acme', 'GET', 'context') }),
      });
      assert.equal(res.status, 200);
      const body = (await res.json()) as { result: boolean; decision_id: string };
      assert.equal(body.result, true);
      await eventually(
        async () =>
          (
            await platform.database.query(`SELECT 1 FROM policy.decision_log WHERE decision_id = $1 AND trace_id = $2`, [
              body.decision_id,
              '0af7651916cd43dd8448eb211c80319c',
            ])
          ).rowCount === 1,
      );

      const undef = await fetch(`${url}/v1/data/some/other/doc`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: '{"input":{}}',
      });
      assert.deepEqual([undef.status, await undef.json()], [200, {}]);

      const bad = await fetch(`${url}/v1/data/mcp/authz/allow`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: '{"input":{"subject":{"id":"x"}}}',
      });
      assert.equal(bad.status, 400);
      const err = (await bad.json()) as { error: { code: string } };
      assert.equal(err.error.code, ErrorCode.VALIDATION_FAILED);

      const policies = (await (await fetch(`${url}/v1/policies`)).json()) as { result: Array<{ id: string; raw: string; rules: number }> };
      assert.match(policies.result[0]!.raw, /some\(where \(p\.eft == allow\)\) && !some\(where \(p\.eft == deny\)\)/);
      assert.ok(policies.result[0]!.rules >= 7);
    });
  });

  describe('decision log', () => {
    it('writes every decision, masked, off the request path, into an intact chain', async () => {
      const d = await decide(
        ask(
          { id: 'bob', tenants: ['acme'], attributes: { email: 'bob@acme.io', level: 2, apiToken: 's3cr3t' } },
          'acme',
          'GET',
          'context',
          { authorization: 'Bearer xyz' },
        ),
      );
      const row = await eventually(
        async () => (await platform.database.query(`SELECT * FROM policy.decision_log WHERE decision_id = $1`, [d.decisionId])).rows[0],
      );
      assert.equal(row.tenant_id, 'acme');
      assert.equal(row.allow, true);
      assert.equal(row.matched_rule, 'acme.member-get-context');
      assert.ok(row.latency_us >= 0);
      const input = JSON.parse(row.input as string);
      assert.equal(input.subject.attributes.email, '[masked]');
      assert.equal(input.subject.attributes.apiToken, '[masked]');
      assert.equal(input.subject.attributes.level, 2);
      assert.equal(input.context.authorization, '[masked]');
      assert.doesNotMatch(row.input as string, /s3cr3t|xyz|bob@acme/);
      const verified = await call(nats, AuditVerify, {});
      assert.equal(verified.ok, true);
      assert.ok(verified.checked >= 10);
    });

    it('names exactly the edited row, over NATS and in npm run audit:verify', async () => {
      await call(nats, DecisionEvaluateBatch, {
        requests: Array.from({ length: 20 }, () => ask({ tenants: ['acme'] }, 'acme', 'GET', 'context')),
      });
      await call(nats, AuditVerify, {});
      const { rows } = await platform.database.query<{ seq: string; decision_id: string }>(
        `SELECT seq, decision_id FROM policy.decision_log ORDER BY seq DESC LIMIT 1 OFFSET 7`,
      );
      const target = rows[0]!;
      await platform.database.query(`UPDATE policy.decision_log SET allow = NOT allow WHERE seq = $1`, [target.seq]);
      const broken = await call(nats, AuditVerify, {});
      assert.equal(broken.ok, false);
      assert.deepEqual(!broken.ok && broken.firstBroken, {
        seq: Number(target.seq),
        decisionId: target.decision_id,
        problem: 'hash_mismatch',
      });

      const cli = spawnSync(process.execPath, ['dist/apps/mcp-policy-proxy/src/audit/verify-cli.js'], {
        env: { ...processEnvironment(), DATABASE_URL: platform.database.url },
        encoding: 'utf8',
      });
      assert.equal(cli.status, 1, cli.stderr);
      assert.match(cli.stderr, new RegExp(`broken at seq ${target.seq} \\(decision ${target.decision_id}\\): hash_mismatch`));

      await platform.database.query(`UPDATE policy.decision_log SET allow = NOT allow WHERE seq = $1`, [target.seq]);
      const cliOk = spawnSync(process.execPath, ['dist/apps/mcp-policy-proxy/src/audit/verify-cli.js'], {
        env: { ...processEnvironment(), DATABASE_URL: platform.database.url },
        encoding: 'utf8',
      });
      assert.equal(cliOk.status, 0, cliOk.stderr);
      assert.equal(JSON.parse(cliOk.stdout).ok, true);
    });

    it('retention prunes the head of the chain and verification continues from the anchor', async () => {
      await call(nats, AuditVerify, {});
      const dataSource = createAppDataSource(
        { DATABASE_URL: platform.database.url, DATABASE_POOL_SIZE: 2, MIGRATIONS_RUN: false },
        policyDataSourceSpec,
      );
      await dataSource.initialize();
      try {
        const store = new DecisionLogStore(dataSource);
        const { rows } = await platform.database.query<{ seq: string; at: Date }>(`SELECT seq, at FROM policy.decision_log ORDER BY seq`);
        const cut = rows[10]!;
        const removed = await store.prune(cut.at);
        assert.ok(removed >= 1 && removed <= 10, `removed ${removed}`);
        const left = Number((await platform.database.query(`SELECT count(*) AS n FROM policy.decision_log`)).rows[0]!.n);
        assert.equal(left, rows.length - removed);
        const anchor = (await platform.database.query(`SELECT seq FROM policy.decision_log_anchor`)).rows[0]!;
        assert.equal(Number(anchor.seq), removed);
        assert.deepEqual(await store.verify(), { ok: true, checked: left, lastSeq: Number(rows.at(-1)!.seq) });
        await platform.database.query(`UPDATE policy.decision_log_anchor SET hash = repeat('f', 64)`);
        const broken = await store.verify();
        assert.equal(!broken.ok && broken.firstBroken.problem, 'link_mismatch');
        assert.equal(!broken.ok && broken.firstBroken.seq, removed + 1);
      } finally {
        await dataSource.destroy();
      }
    });
  });
});
