import { DomainError, ErrorCode, TENANT_ID_PATTERN } from '#contracts';

export { TENANT_ID_PATTERN };

declare const tenantIdBrand: unique symbol;
/** A tenant id that passed validation. Only `parseTenantId` makes one, so holding it is proof. */
export type TenantId = string & { readonly [tenantIdBrand]: true };

declare const schemaBrand: unique symbol;
/** A Postgres schema name derived from a validated tenant id (or a validated explicit name). */
export type TenantSchema = string & { readonly [schemaBrand]: true };

const SCHEMA_PATTERN = /^tenant_[a-z0-9_]{1,48}$/;

export function isTenantId(value: unknown): value is TenantId {
  return typeof value === 'string' && TENANT_ID_PATTERN.test(value) && !value.includes('--');
}

export function parseTenantId(value: unknown): TenantId {
  if (value === undefined || value === null || value === '') {
    throw new DomainError(ErrorCode.TENANT_REQUIRED, 'A tenant id is required (X-Tenant-ID)');
  }
  if (!isTenantId(value)) {
    throw new DomainError(ErrorCode.TENANT_INVALID, 'Tenant id must be 2-40 lower-case letters, digits or inner hyphens', {
      pattern: TENANT_ID_PATTERN.source,
    });
  }
  return value;
}

/**
 * The Postgres schema holding a tenant's data: `tenant-123` → `tenant_123` (seed 004 §5.3),
 * `acme` → `tenant_acme`. Hyphens become underscores, which ids never contain. Two ids can map to
 * one name (`tenant-acme`, `acme`), so the tenant registry keeps the schema column unique.
 */
export function tenantSchemaName(id: TenantId): TenantSchema {
  return `tenant_${id.replace(/^tenant-/, '').replace(/-/g, '_')}` as TenantSchema;
}

/** Accepts an operator-given schema name (seed 004 routing.yaml `schema: "tenant_123"`) only in the safe shape. */
export function parseTenantSchema(value: unknown): TenantSchema {
  if (typeof value !== 'string' || !SCHEMA_PATTERN.test(value)) {
    throw new DomainError(ErrorCode.VALIDATION_FAILED, 'Tenant schema must match tenant_[a-z0-9_]+', { pattern: SCHEMA_PATTERN.source });
  }
  return value as TenantSchema;
}
