// Placeholder until the foundation lands (replaced by main's version at merge).
export enum ErrorCode {
  VALIDATION_FAILED = 'VALIDATION_FAILED',
  NOT_FOUND = 'NOT_FOUND',
  CONFLICT = 'CONFLICT',
  FORBIDDEN = 'FORBIDDEN',
  UNAVAILABLE = 'UNAVAILABLE',
  UPSTREAM_ERROR = 'UPSTREAM_ERROR',
  TIMEOUT = 'TIMEOUT',
  CANCELLED = 'CANCELLED',
  INTERNAL = 'INTERNAL',
}
export class DomainError extends Error {
  constructor(readonly code: ErrorCode, message: string, readonly details?: Record<string, unknown>) { super(message); }
}
