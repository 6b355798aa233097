import { Controller, Get, Param, Query, Req } from '@nestjs/common';
import { ApiBearerAuth, ApiHeader, ApiOperation, ApiQuery, ApiSecurity, ApiTags } from '@nestjs/swagger';
import type { FastifyRequest } from 'fastify';
import { ConfigEntryGet, ConfigFlagList, ConfigTenantGet, RuleList, TraceGet, TraceSearch } from '#contracts';
import { Governed } from '../pipeline/governed.js';
import { Downstream } from '../forwarding/downstream.service.js';
import { callerScope, TenantRouteErrors } from './tenant-route.js';

/** REST routes owned by mcp-config, mcp-policy-proxy and mcp-tracehub, always for the caller's tenant. */
@ApiTags('platform')
@ApiBearerAuth()
@ApiSecurity('apiKey')
@ApiHeader({ name: 'X-Tenant-ID', required: true, description: 'Tenant the call acts for' })
@TenantRouteErrors()
@Controller('v1')
export class PlatformController {
  constructor(private readonly downstream: Downstream) {}

  @Get('tenant')
  @Governed({ resource: 'tenant', action: 'GET' })
  @ApiOperation({ summary: 'The tenant the call acts for: tier, status, features, limits' })
  tenant(@Req() req: FastifyRequest) {
    return this.downstream.call('mcp-config', ConfigTenantGet, { tenantId: callerScope(req).tenantId });
  }

  @Get('flags')
  @Governed({ resource: 'flag', action: 'GET' })
  @ApiOperation({ summary: 'Feature flag definitions' })
  flags() {
    return this.downstream.call('mcp-config', ConfigFlagList, {});
  }

  @Get('config/:key')
  @Governed({ resource: 'config', action: 'GET', resourceIdParam: 'key' })
  @ApiOperation({ summary: 'A config entry, most specific scope first (tenant → environment → default); secrets redacted' })
  @ApiQuery({ name: 'environment', required: false })
  config(@Req() req: FastifyRequest, @Param('key') key: string, @Query('environment') environment?: string) {
    return this.downstream.call('mcp-config', ConfigEntryGet, {
      key,
      environment: environment ?? 'production',
      tenantId: callerScope(req).tenantId,
    });
  }

  @Get('policies/rules')
  @Governed({ resource: 'policy', action: 'GET' })
  @ApiOperation({ summary: "The tenant's policy rules" })
  rules(@Req() req: FastifyRequest) {
    return this.downstream.call('mcp-policy-proxy', RuleList, { domain: callerScope(req).tenantId });
  }

  @Get('traces')
  @Governed({ resource: 'trace', action: 'GET' })
  @ApiOperation({ summary: "Search the tenant's traces of a service" })
  @ApiQuery({ name: 'service', required: true })
  traces(@Req() req: FastifyRequest, @Query('service') service: string) {
    const { tenantId, roles } = callerScope(req);
    return this.downstream.call('mcp-tracehub', TraceSearch, { caller: { tenantId, roles }, service: String(service ?? '') });
  }

  @Get('traces/:traceId')
  @Governed({ resource: 'trace', action: 'GET', resourceIdParam: 'traceId' })
  @ApiOperation({ summary: 'One trace of the tenant (Jaeger JSON)' })
  trace(@Req() req: FastifyRequest, @Param('traceId') traceId: string) {
    const { tenantId, roles } = callerScope(req);
    return this.downstream.call('mcp-tracehub', TraceGet, { caller: { tenantId, roles }, traceId });
  }
}
