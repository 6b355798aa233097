import { Injectable, type CallHandler, type ExecutionContext, type NestInterceptor } from '@nestjs/common';
import { trace } from '@opentelemetry/api';
import type { FastifyRequest } from 'fastify';
import { Observable } from 'rxjs';
import { runInTenant } from '#tenancy';

/**
 * Runs a governed request's handler inside its tenant's context, so every NATS call it makes carries
 * the tenant (and every span on the way, in every app, is stamped `tenant.id` for tracehub's
 * tenant-scoped queries). The guard has already authenticated and bound the tenant.
 */
@Injectable()
export class TenantContextInterceptor implements NestInterceptor {
  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    if (context.getType() !== 'http') return next.handle();
    const bound = context.switchToHttp().getRequest<FastifyRequest>().gateway;
    const tenant = bound?.tenant;
    if (!bound || !tenant) return next.handle();
    trace.getActiveSpan()?.setAttribute('tenant.id', tenant.id);
    return new Observable((subscriber) =>
      runInTenant({ tenantId: tenant.id, actor: bound.principal.id }, () => next.handle().subscribe(subscriber)),
    );
  }
}
