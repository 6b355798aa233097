import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { DomainError, ErrorCode } from '#contracts';
import { resolveTenantAccess, type TenantAccessInfo } from './tenant-access.js';

const registry: Record<string, TenantAccessInfo> = {
  acme: { status: 'active', features: ['ml_inference'] },
  globex: { status: 'active', features: [] },
  frozen: { status: 'suspended', features: [] },
  gone: { status: 'deleted', features: [] },
};
const lookup = (id: string) => registry[id];
const caller = { tenants: ['acme', 'globex', 'frozen', 'gone', 'ghost'] };

function code(fn: () => unknown): ErrorCode {
  try {
    fn();
  } catch (err) {
    assert.ok(err instanceof DomainError);
    return err.code;
  }
  assert.fail('expected a DomainError');
}

describe('resolveTenantAccess', () => {
  it('admits a member of an active tenant', () => {
    assert.equal(resolveTenantAccess('acme', caller, lookup, 'ml_inference').tenantId, 'acme');
  });

  it('answers each failure with its own code, in order', () => {
    assert.equal(
      code(() => resolveTenantAccess(undefined, caller, lookup)),
      ErrorCode.TENANT_REQUIRED,
    );
    assert.equal(
      code(() => resolveTenantAccess('', caller, lookup)),
      ErrorCode.TENANT_REQUIRED,
    );
    assert.equal(
      code(() => resolveTenantAccess('acme;drop', caller, lookup)),
      ErrorCode.TENANT_INVALID,
    );
    assert.equal(
      code(() => resolveTenantAccess(['acme', 'globex'], caller, lookup)),
      ErrorCode.TENANT_INVALID,
    );
    assert.equal(
      code(() => resolveTenantAccess('initech', caller, lookup)),
      ErrorCode.TENANT_FORBIDDEN,
    );
    assert.equal(
      code(() => resolveTenantAccess('ghost', caller, lookup)),
      ErrorCode.TENANT_UNKNOWN,
    );
    assert.equal(
      code(() => resolveTenantAccess('gone', caller, lookup)),
      ErrorCode.TENANT_UNKNOWN,
    );
    assert.equal(
      code(() => resolveTenantAccess('frozen', caller, lookup)),
      ErrorCode.TENANT_SUSPENDED,
    );
    assert.equal(
      code(() => resolveTenantAccess('globex', caller, lookup, 'ml_inference')),
      ErrorCode.FEATURE_DISABLED,
    );
  });

  it('never looks up a tenant the caller may not act for', () => {
    let looked = false;
    code(() => resolveTenantAccess('initech', caller, () => ((looked = true), undefined)));
    assert.equal(looked, false);
  });

  it('lets platform admins act for any tenant and break-glass past a suspension', () => {
    assert.equal(resolveTenantAccess('globex', { tenants: [], anyTenant: true }, lookup).tenantId, 'globex');
    assert.equal(resolveTenantAccess('frozen', { ...caller, pastSuspension: true }, lookup).tenantId, 'frozen');
  });
});
