import { DomainError, ErrorCode } from '#contracts';

// ErrorCode has no dedicated "cancelled" code; a cancelled call or run is a conflict with the
// caller's own request, marked so callers (and the circuit breaker) can tell it from a failure.
export function cancelledError(what: string, details: Record<string, unknown> = {}): DomainError {
  return new DomainError(ErrorCode.CONFLICT, `${what} was cancelled`, { ...details, reason: 'cancelled' });
}

export function isCancelled(err: unknown): boolean {
  return err instanceof DomainError && err.code === ErrorCode.CONFLICT && err.details?.reason === 'cancelled';
}
