import { ArrayMaxSize, IsArray, IsIn, IsOptional, IsString, Length, Matches } from 'class-validator';

/** Same shape as #tenancy's TENANT_ID_PATTERN (#contracts cannot import #tenancy); handlers still parseTenantId. */
export const ORCH_TENANT_ID = /^[a-z0-9](?:[a-z0-9-]{0,38}[a-z0-9])$/;
/** Registry names become pool keys, subject tokens and tool-name prefixes (`<server>__<tool>`). */
export const ORCH_NAME = /^[a-z][a-z0-9-]{0,39}$/;

/** Role that may change the global (all-tenant) tool registry. */
export const PLATFORM_ADMIN_ROLE = 'platform-admin';

/**
 * Every tenant-scoped orchestrator request names the tenant it acts for and who acts. The gateway
 * has already authenticated the principal and taken the policy decision; the orchestrator still
 * validates the tenant id (it becomes a schema name) and scopes every query by it.
 */
export class TenantScopedRequest {
  @IsString()
  @Matches(ORCH_TENANT_ID)
  tenantId!: string;

  @IsString()
  @Length(1, 200)
  principalId!: string;

  @IsOptional()
  @IsArray()
  @ArrayMaxSize(50)
  @IsString({ each: true })
  roles?: string[];
}

/** An `Idempotency-Key` (IETF httpapi draft): 1-255 visible ASCII characters, chosen by the client. */
export const IDEMPOTENCY_KEY = /^[\x21-\x7e]{1,255}$/;

/**
 * A submission retried with the same key returns what the first one created instead of creating
 * a second run or job; the same key with a different request is a CONFLICT.
 */
export function IdempotencyKeyField(): PropertyDecorator {
  return (target, key) => {
    IsOptional()(target, key);
    IsString()(target, key);
    Matches(IDEMPOTENCY_KEY)(target, key);
  };
}

export const REGISTRY_SCOPES = ['global', 'tenant'] as const;
export type RegistryScope = (typeof REGISTRY_SCOPES)[number];

export class ScopedServerRequest extends TenantScopedRequest {
  @IsString()
  @Matches(ORCH_NAME)
  server!: string;

  /** Which registry holds the server: the tenant's private one (default) or the global one. */
  @IsOptional()
  @IsIn(REGISTRY_SCOPES)
  scope?: RegistryScope;
}

/** A page of results; `nextCursor` is opaque and absent on the last page. */
export interface Page<T> {
  items: T[];
  nextCursor?: string;
}
