import { Module } from '@nestjs/common';
import { APP_GUARD, APP_INTERCEPTOR } from '@nestjs/core';
import { Redis } from 'ioredis';
import { APP_ENV } from '#env';
import { RedisModule } from './redis/redis.module.js';
import type { GatewayEnv } from './env.js';
import { Authenticator } from './auth/authenticator.js';
import { ConfigLink } from './config/config-link.js';
import { Downstream } from './forwarding/downstream.service.js';
import { TenantContextInterceptor } from './pipeline/tenant-context.interceptor.js';
import { GatewayGuard } from './pipeline/gateway.guard.js';
import { PolicyDecider, TenantDirectory } from './pipeline/request-context.js';
import { PolicyEventsController, PolicyService } from './policy/policy.service.js';
import { RateLimitService } from './rate-limit/rate-limit.service.js';
import { McpController } from './mcp/mcp.controller.js';
import { McpRelay } from './mcp/mcp-relay.js';
import { McpServerService } from './mcp/mcp-server.js';
import { McpSessionStore } from './mcp/session-store.js';
import { StatusController } from './rest/status.controller.js';
import { OrchestratorController } from './rest/orchestrator.controller.js';
import { PlatformController } from './rest/platform.controller.js';
import { AdminController } from './rest/admin.controller.js';
import { WellKnownController } from './rest/well-known.controller.js';

@Module({
  imports: [RedisModule],
  controllers: [
    WellKnownController,
    StatusController,
    OrchestratorController,
    PlatformController,
    AdminController,
    McpController,
    PolicyEventsController,
  ],
  providers: [
    Downstream,
    ConfigLink,
    { provide: TenantDirectory, useExisting: ConfigLink },
    Authenticator,
    RateLimitService,
    PolicyService,
    { provide: PolicyDecider, useExisting: PolicyService },
    {
      provide: McpSessionStore,
      inject: [Redis, APP_ENV],
      // Keys get REDIS_KEY_PREFIX from the connection itself.
      useFactory: (redis: Redis, env: GatewayEnv) => new McpSessionStore(redis, '', env.MCP_SESSION_TTL_SEC),
    },
    McpServerService,
    McpRelay,
    { provide: APP_GUARD, useClass: GatewayGuard },
    { provide: APP_INTERCEPTOR, useClass: TenantContextInterceptor },
  ],
})
export class AppModule {}
