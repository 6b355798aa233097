import { randomUUID } from 'node:crypto';
import type { LoggerService } from '@nestjs/common';
import { DomainError, ErrorCode, type ErrorBody } from '#contracts';
import { dependencyUnavailable } from './infrastructure-errors.js';

/**
 * Maps anything thrown by a handler to the wire error. Domain errors pass through; anything else is
 * a bug: it is logged with a fresh error id and the caller only gets that id.
 */
export function toErrorBody(err: unknown, logger: LoggerService, where: string): ErrorBody {
  if (err instanceof DomainError) return err.toBody();
  const outage = dependencyUnavailable(err);
  if (outage) {
    logger.warn({ msg: `dependency unavailable in ${where}`, err: err instanceof Error ? err.message : String(err) });
    return outage.toBody();
  }
  const errorId = randomUUID();
  logger.error({ msg: `unhandled error in ${where}`, errorId, err: describe(err) });
  return { code: ErrorCode.INTERNAL, message: 'Internal error', details: { errorId } };
}

function describe(err: unknown): Record<string, unknown> {
  return err instanceof Error ? { name: err.name, message: err.message, stack: err.stack } : { value: String(err) };
}
