import { Inject, Injectable, type CanActivate, type ExecutionContext } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { DomainError, ErrorCode } from '#contracts';
import { APP_ENV } from '#env';
import { BREAK_GLASS_ROLE, isPlatformAdmin, type Principal } from '#auth';
import { resolveTenantAccess } from '#tenancy';
import type { GatewayEnv } from '../env.js';
import { Authenticator } from '../auth/authenticator.js';
import { RateLimitExceeded, RateLimitService } from '../rate-limit/rate-limit.service.js';
import { GOVERNED, type GovernedRoute } from './governed.js';
import { PolicyDecider, TenantDirectory, type GatewayTenant } from './request-context.js';

const EXEMPT = [/^\/health\//, /^\/metrics$/, /^\/docs(-json)?(\/|$)/, /^\/\.well-known\//];

/**
 * The request path of DESIGN.md, in its order: authenticate → bind the tenant → rate limit →
 * policy decision. One guard rather than four so the order cannot drift and the hot path pays for
 * one guard invocation.
 */
@Injectable()
export class GatewayGuard implements CanActivate {
  private readonly routes = new WeakMap<object, GovernedRoute | null>();
  private readonly resourceMetadata: string;

  constructor(
    private readonly reflector: Reflector,
    private readonly authenticator: Authenticator,
    private readonly tenants: TenantDirectory,
    private readonly rateLimit: RateLimitService,
    private readonly policy: PolicyDecider,
    @Inject(APP_ENV) env: GatewayEnv,
  ) {
    this.resourceMetadata = new URL('/.well-known/oauth-protected-resource', env.PUBLIC_URL).toString();
  }

  async canActivate(context: ExecutionContext): Promise<boolean> {
    if (context.getType() !== 'http') return true;
    const request = context.switchToHttp().getRequest<FastifyRequest>();
    const reply = context.switchToHttp().getResponse<FastifyReply>();
    const route = this.route(context);
    if (route === null) {
      const path = request.url.split('?', 1)[0]!;
      if (EXEMPT.some((p) => p.test(path))) return true;
      // A governed surface without governance is a bug, never an open door.
      throw new DomainError(ErrorCode.INTERNAL, 'Route is not governed');
    }

    let principal: Principal;
    try {
      principal = await this.authenticator.authenticate(request.headers);
    } catch (err) {
      if (err instanceof DomainError && err.code === ErrorCode.UNAUTHENTICATED) {
        reply.header('www-authenticate', `Bearer resource_metadata="${this.resourceMetadata}"`);
      }
      throw err;
    }

    if (route.platformAdmin && !isPlatformAdmin(principal)) {
      throw new DomainError(ErrorCode.FORBIDDEN, 'Platform administration needs the platform-admin role');
    }

    let tenant: GatewayTenant | undefined;
    if (route.tenant !== false) {
      tenant = resolveTenantAccess(
        request.headers['x-tenant-id'],
        { tenants: principal.tenants, anyTenant: isPlatformAdmin(principal), pastSuspension: principal.roles.includes(BREAK_GLASS_ROLE) },
        (id) => this.tenants.get(id),
        route.feature,
      ).tenant;
    }

    try {
      const headers = await this.rateLimit.admit(tenant?.id ?? '_platform', principal.id, tenant?.requestsPerMinute);
      for (const name in headers) reply.header(name, headers[name]!);
    } catch (err) {
      if (err instanceof RateLimitExceeded) for (const name in err.headers) reply.header(name, err.headers[name]!);
      throw err;
    }

    if (route.resource !== undefined && route.action !== undefined) {
      if (!tenant) throw new DomainError(ErrorCode.INTERNAL, 'Policy-checked routes must be tenant routes');
      const params = request.params as Record<string, string> | undefined;
      const id = route.resourceIdParam ? params?.[route.resourceIdParam] : undefined;
      const verdict = await this.policy.decide(principal, tenant, {
        resource: id === undefined ? { type: route.resource } : { type: route.resource, id },
        action: route.action,
      });
      if (!verdict.allow) throw new DomainError(ErrorCode.POLICY_DENIED, 'Denied by policy', { reason: verdict.reason });
    }

    request.gateway = tenant ? { principal, tenant } : { principal };
    return true;
  }

  private route(context: ExecutionContext): GovernedRoute | null {
    const handler = context.getHandler();
    let route = this.routes.get(handler);
    if (route === undefined) {
      route = this.reflector.getAllAndOverride<GovernedRoute | undefined>(GOVERNED, [handler, context.getClass()]) ?? null;
      this.routes.set(handler, route);
    }
    return route;
  }
}
