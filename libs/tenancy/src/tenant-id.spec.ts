import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { DomainError, ErrorCode } from '#contracts';
import { parseTenantId, parseTenantSchema, tenantSchemaName } from './tenant-id.js';

describe('tenant ids', () => {
  it('accepts the seed ids and maps them to schema names', () => {
    assert.equal(tenantSchemaName(parseTenantId('tenant-123')), 'tenant_123');
    assert.equal(tenantSchemaName(parseTenantId('acme')), 'tenant_acme');
  });

  for (const bad of [
    '',
    'A',
    'a',
    'acme;drop schema',
    'tenant_1',
    '-acme',
    'acme-',
    'a--b',
    'x'.repeat(41),
    'ümlaut',
    '../etc',
    'acme\n',
    '1 OR 1=1',
  ]) {
    it(`rejects ${JSON.stringify(bad)}`, () => {
      assert.throws(
        () => parseTenantId(bad),
        (err: unknown) => {
          assert.ok(err instanceof DomainError);
          assert.ok([ErrorCode.TENANT_INVALID, ErrorCode.TENANT_REQUIRED].includes(err.code));
          return true;
        },
      );
    });
  }

  it('accepts only safe explicit schema names', () => {
    assert.equal(parseTenantSchema('tenant_123'), 'tenant_123');
    assert.throws(() => parseTenantSchema('public'), DomainError);
    assert.throws(() => parseTenantSchema('tenant_1"; drop'), DomainError);
  });
});
