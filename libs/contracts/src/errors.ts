/**
 * The error vocabulary shared by every transport. A code is stable API: clients branch on it,
 * the gateway maps it to an HTTP status, and RPC replies carry it across NATS.
 */
export enum ErrorCode {
  VALIDATION_FAILED = 'VALIDATION_FAILED',
  MALFORMED_MESSAGE = 'MALFORMED_MESSAGE',
  BAD_REQUEST = 'BAD_REQUEST',
  UNAUTHENTICATED = 'UNAUTHENTICATED',
  FORBIDDEN = 'FORBIDDEN',
  POLICY_DENIED = 'POLICY_DENIED',
  TENANT_REQUIRED = 'TENANT_REQUIRED',
  TENANT_INVALID = 'TENANT_INVALID',
  TENANT_FORBIDDEN = 'TENANT_FORBIDDEN',
  TENANT_UNKNOWN = 'TENANT_UNKNOWN',
  TENANT_SUSPENDED = 'TENANT_SUSPENDED',
  FEATURE_DISABLED = 'FEATURE_DISABLED',
  NOT_FOUND = 'NOT_FOUND',
  CONFLICT = 'CONFLICT',
  VERSION_CONFLICT = 'VERSION_CONFLICT',
  PAYLOAD_TOO_LARGE = 'PAYLOAD_TOO_LARGE',
  UNSUPPORTED_MEDIA_TYPE = 'UNSUPPORTED_MEDIA_TYPE',
  RATE_LIMITED = 'RATE_LIMITED',
  SERVICE_UNAVAILABLE = 'SERVICE_UNAVAILABLE',
  UPSTREAM_ERROR = 'UPSTREAM_ERROR',
  UPSTREAM_TIMEOUT = 'UPSTREAM_TIMEOUT',
  INTERNAL = 'INTERNAL',
}

const HTTP_STATUS: Record<ErrorCode, number> = {
  [ErrorCode.VALIDATION_FAILED]: 400,
  [ErrorCode.MALFORMED_MESSAGE]: 400,
  [ErrorCode.BAD_REQUEST]: 400,
  [ErrorCode.TENANT_REQUIRED]: 400,
  [ErrorCode.TENANT_INVALID]: 400,
  [ErrorCode.UNAUTHENTICATED]: 401,
  [ErrorCode.FORBIDDEN]: 403,
  [ErrorCode.POLICY_DENIED]: 403,
  [ErrorCode.TENANT_FORBIDDEN]: 403,
  [ErrorCode.TENANT_UNKNOWN]: 403,
  [ErrorCode.TENANT_SUSPENDED]: 403,
  [ErrorCode.FEATURE_DISABLED]: 403,
  [ErrorCode.NOT_FOUND]: 404,
  [ErrorCode.CONFLICT]: 409,
  [ErrorCode.VERSION_CONFLICT]: 409,
  [ErrorCode.PAYLOAD_TOO_LARGE]: 413,
  [ErrorCode.UNSUPPORTED_MEDIA_TYPE]: 415,
  [ErrorCode.RATE_LIMITED]: 429,
  [ErrorCode.INTERNAL]: 500,
  [ErrorCode.UPSTREAM_ERROR]: 502,
  [ErrorCode.SERVICE_UNAVAILABLE]: 503,
  [ErrorCode.UPSTREAM_TIMEOUT]: 504,
};

export function httpStatusFor(code: string): number {
  return HTTP_STATUS[code as ErrorCode] ?? 500;
}

export function isErrorCode(value: unknown): value is ErrorCode {
  return typeof value === 'string' && value in HTTP_STATUS;
}

/** The body every failed call carries, on HTTP (`{ error, requestId }`) and on NATS (`{ error }`). */
export interface ErrorBody {
  code: ErrorCode;
  message: string;
  details?: Record<string, unknown>;
}

/**
 * A failure the caller can act on. Anything thrown that is not a DomainError is a bug and is
 * reported as INTERNAL with a generic message and a logged error id.
 */
export class DomainError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly details?: Record<string, unknown>,
  ) {
    super(message);
    this.name = 'DomainError';
  }

  toBody(): ErrorBody {
    return this.details === undefined
      ? { code: this.code, message: this.message }
      : { code: this.code, message: this.message, details: this.details };
  }

  static fromBody(body: ErrorBody): DomainError {
    return new DomainError(isErrorCode(body.code) ? body.code : ErrorCode.UPSTREAM_ERROR, body.message, body.details);
  }
}
