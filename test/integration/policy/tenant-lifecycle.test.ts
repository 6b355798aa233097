import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import {
  ConfigTenantDelete,
  ConfigTenantOnboard,
  ConfigTenantResume,
  ConfigTenantSuspend,
  DecisionEvaluate,
  RuleList,
  type DecisionEvaluateRequest,
} from '#contracts';
import { eventually, NatsTestClient, TestPlatform } from '#testing';
import { call } from './helpers.js';

// The caller always claims the tenant is active: the proxy must go by what mcp-config says.
const member: DecisionEvaluateRequest = {
  subject: { id: 'ursula', roles: ['admin'], tenants: ['initech'] },
  tenantId: 'initech',
  resource: { type: 'context', id: 'c1' },
  action: 'GET',
  context: { tenantStatus: 'active' },
};

describe('mcp-policy-proxy with mcp-config: onboarding and tenant status', () => {
  let platform: TestPlatform;
  let nats: NatsTestClient;

  before(async () => {
    platform = await TestPlatform.create();
    await platform.startAll(['mcp-config', 'mcp-policy-proxy']);
    nats = await NatsTestClient.connect(platform.namespace.subjectPrefix);
  });
  after(async () => {
    await nats?.close();
    await platform?.stop();
  });

  it('onboarding a tenant in mcp-config installs its default policy', async () => {
    const tenant = await call(nats, ConfigTenantOnboard, { tenantId: 'initech', name: 'Initech', tier: 'standard', actor: 'ops' });
    assert.equal(tenant.id, 'initech');
    const rules = await eventually(async () => {
      const { rules } = await call(nats, RuleList, { domain: 'initech' });
      return rules.length === 2 && rules;
    });
    assert.deepEqual(
      rules.map((r) => r.id),
      ['initech.admin-all', 'initech.member-get-context'],
    );
    await eventually(async () => (await call(nats, DecisionEvaluate, member)).allow);
  });

  it('a suspension in mcp-config denies the tenant whatever the caller claims; resuming restores it', async () => {
    await call(nats, ConfigTenantSuspend, { tenantId: 'initech', actor: 'ops', reason: 'unpaid' });
    const denied = await eventually(async () => {
      const d = await call(nats, DecisionEvaluate, member);
      return !d.allow && d;
    }, 2_000);
    assert.equal(denied.reason, 'tenant_suspended');
    const glass = await call(nats, DecisionEvaluate, {
      ...member,
      subject: { id: 'oncall', roles: ['platform-break-glass'], tenants: [] },
    });
    assert.equal(glass.allow, true);
    await call(nats, ConfigTenantResume, { tenantId: 'initech', actor: 'ops' });
    await eventually(async () => (await call(nats, DecisionEvaluate, member)).allow, 2_000);
  });

  it('a deleted tenant is denied to everyone, break-glass included', async () => {
    await call(nats, ConfigTenantDelete, { tenantId: 'initech', actor: 'ops' });
    for (const subject of [member.subject, { id: 'oncall', roles: ['platform-break-glass', 'platform-admin'], tenants: [] }]) {
      const d = await eventually(async () => {
        const r = await call(nats, DecisionEvaluate, { ...member, subject });
        return !r.allow && r;
      }, 2_000);
      assert.equal(d.reason, 'tenant_deleted');
    }
  });
});
