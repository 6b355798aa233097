import { randomUUID } from 'node:crypto';
import { Catch, HttpException, Logger, type ArgumentsHost, type ExceptionFilter } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { throwError, type Observable } from 'rxjs';
import { DomainError, ErrorCode, httpStatusFor, type ErrorBody } from '#contracts';
import { dependencyUnavailable } from '#messaging';

/**
 * The one place errors are mapped, per transport. HTTP: every failure becomes
 * `{ error: { code, message, details }, requestId }` with the status of its code; 5xx never carry
 * internals, only an error id that is also in the log. RPC: the error is handed to the NATS
 * transport unchanged, which maps it once for the wire.
 */
@Catch()
export class PlatformExceptionFilter implements ExceptionFilter {
  private readonly logger = new Logger('Errors');

  catch(exception: unknown, host: ArgumentsHost): Observable<never> | void {
    if (host.getType() === 'rpc') return throwError(() => exception);
    const http = host.switchToHttp();
    const request = http.getRequest<FastifyRequest>();
    const reply = http.getResponse<FastifyReply>();
    const body = this.toBody(exception, request);
    const status = httpStatusFor(body.code);
    if (reply.sent) return;
    if ((status === 429 || status === 503) && typeof body.details?.retryAfterSeconds === 'number') {
      reply.header('retry-after', String(body.details.retryAfterSeconds));
    }
    void reply.status(status).send({ error: body, requestId: request.id });
  }

  private toBody(exception: unknown, request: FastifyRequest): ErrorBody {
    if (exception instanceof DomainError) return exception.toBody();
    const outage = dependencyUnavailable(exception);
    if (outage) return outage.toBody();
    if (exception instanceof HttpException) return fromStatus(exception.getStatus(), exception.message);
    const status = (exception as { statusCode?: unknown }).statusCode;
    if (typeof status === 'number' && status >= 400 && status < 500) {
      // Fastify's own errors (bad JSON, body too large, unsupported content type) are safe to echo.
      return fromStatus(status, (exception as Error).message);
    }
    const errorId = randomUUID();
    this.logger.error({ msg: 'unhandled error', errorId, route: request.routeOptions?.url, err: describe(exception) });
    return { code: ErrorCode.INTERNAL, message: 'Internal error', details: { errorId } };
  }
}

function fromStatus(status: number, message: string): ErrorBody {
  const code =
    {
      400: ErrorCode.BAD_REQUEST,
      401: ErrorCode.UNAUTHENTICATED,
      403: ErrorCode.FORBIDDEN,
      404: ErrorCode.NOT_FOUND,
      409: ErrorCode.CONFLICT,
      413: ErrorCode.PAYLOAD_TOO_LARGE,
      415: ErrorCode.UNSUPPORTED_MEDIA_TYPE,
      429: ErrorCode.RATE_LIMITED,
      503: ErrorCode.SERVICE_UNAVAILABLE,
    }[status] ?? (status < 500 ? ErrorCode.BAD_REQUEST : ErrorCode.INTERNAL);
  return { code, message: status < 500 ? message : 'Internal error' };
}

function describe(err: unknown): Record<string, unknown> {
  return err instanceof Error ? { name: err.name, message: err.message, stack: err.stack } : { value: String(err) };
}
