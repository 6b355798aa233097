import { applyDecorators } from '@nestjs/common';
import { ApiHeader, ApiResponse } from '@nestjs/swagger';
import type { FastifyRequest } from 'fastify';
import { DomainError, ErrorCode, IDEMPOTENCY_KEY } from '#contracts';

/** Who acts for which tenant, as every tenant-scoped downstream request names it. */
export function callerScope(req: FastifyRequest): { tenantId: string; principalId: string; roles: string[] } {
  const { principal, tenant } = req.gateway!;
  return { tenantId: tenant!.id, principalId: principal.id, roles: [...principal.roles] };
}

const ERROR_BODY = {
  type: 'object',
  properties: {
    error: { type: 'object', properties: { code: { type: 'string' }, message: { type: 'string' }, details: { type: 'object' } } },
    requestId: { type: 'string' },
  },
};

/** The errors every governed tenant route can answer, documented once. */
export function TenantRouteErrors() {
  return applyDecorators(
    ApiResponse({
      status: 400,
      description: 'TENANT_REQUIRED, TENANT_INVALID, VALIDATION_FAILED (details.fields: JSON pointers)',
      schema: ERROR_BODY,
    }),
    ApiResponse({ status: 401, description: 'UNAUTHENTICATED (WWW-Authenticate: Bearer resource_metadata=…)', schema: ERROR_BODY }),
    ApiResponse({
      status: 403,
      description: 'TENANT_FORBIDDEN, TENANT_UNKNOWN, TENANT_SUSPENDED, FEATURE_DISABLED, POLICY_DENIED (details.reason)',
      schema: ERROR_BODY,
    }),
    ApiResponse({ status: 413, description: 'PAYLOAD_TOO_LARGE', schema: ERROR_BODY }),
    ApiResponse({ status: 429, description: 'RATE_LIMITED (Retry-After, RateLimit-Limit/Remaining/Reset)', schema: ERROR_BODY }),
    ApiResponse({
      status: 503,
      description: 'SERVICE_UNAVAILABLE: downstream unavailable or its circuit open (Retry-After)',
      schema: ERROR_BODY,
    }),
    ApiResponse({ status: 504, description: 'UPSTREAM_TIMEOUT', schema: ERROR_BODY }),
  );
}

/**
 * The `Idempotency-Key` header of a submission, checked here so a malformed key is a 400 at the
 * edge; absent, the submission is not idempotent.
 */
export function idempotencyKeyOf(req: FastifyRequest): { idempotencyKey?: string } {
  const key = req.headers['idempotency-key'];
  if (key === undefined) return {};
  if (typeof key !== 'string' || !IDEMPOTENCY_KEY.test(key)) {
    throw new DomainError(ErrorCode.VALIDATION_FAILED, 'Idempotency-Key must be 1-255 visible ASCII characters', {
      header: 'Idempotency-Key',
    });
  }
  return { idempotencyKey: key };
}

/** OpenAPI for a submission route that takes an Idempotency-Key. */
export function IdempotentSubmission() {
  return applyDecorators(
    ApiHeader({
      name: 'Idempotency-Key',
      required: false,
      description:
        'Retry-safe submission: a retry with the same key returns what the first request created; the same key with a different body is 409 CONFLICT (details.reason "idempotency-key-reused").',
    }),
    ApiResponse({ status: 409, description: 'CONFLICT: the Idempotency-Key was used for a different request', schema: ERROR_BODY }),
  );
}
