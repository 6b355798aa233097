import { DomainError, ErrorCode } from '#contracts';

// Connection-level failures of Postgres (node-postgres/TypeORM) and sockets in general: the request
// was fine, a dependency is not. SQLSTATE class 08 is "connection exception"; 57P01-57P03 are
// administrator/crash shutdown and "cannot connect now".
const NETWORK_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'EPIPE', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENOTFOUND', 'EAI_AGAIN']);
const SQLSTATES = /^(08|57P0[123])/;
const MESSAGES =
  /Connection terminated|timeout exceeded when trying to connect|Client has encountered a connection error|Connection is closed/i;

/**
 * A dependency outage is 503 SERVICE_UNAVAILABLE (retry later), not a 500 bug. Returns the mapped
 * error for such failures, or undefined for anything else.
 */
export function dependencyUnavailable(err: unknown): DomainError | undefined {
  if (!(err instanceof Error)) return undefined;
  const code = (err as { code?: unknown }).code;
  const cause = (err as { cause?: unknown }).cause;
  if (
    (typeof code === 'string' && (NETWORK_CODES.has(code) || SQLSTATES.test(code))) ||
    MESSAGES.test(err.message) ||
    (cause instanceof Error && cause !== err && dependencyUnavailable(cause))
  ) {
    return new DomainError(ErrorCode.SERVICE_UNAVAILABLE, 'A dependency is unavailable; retry later', { retryAfterSeconds: 1 });
  }
  return undefined;
}
