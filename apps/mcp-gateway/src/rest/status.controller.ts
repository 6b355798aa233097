import { Controller, Get, Param } from '@nestjs/common';
import { ApiBearerAuth, ApiHeader, ApiOperation, ApiParam, ApiResponse, ApiSecurity, ApiTags } from '@nestjs/swagger';
import { APP_NAMES, DomainError, ErrorCode, StatusGet, type AppName, type StatusGetReply } from '#contracts';
import { Governed } from '../pipeline/governed.js';
import { Downstream } from '../forwarding/downstream.service.js';
import { TenantRouteErrors } from './tenant-route.js';

/** Which instance of an app answers, through the same breaker as every forwarded call. */
@ApiTags('platform')
@ApiBearerAuth()
@ApiSecurity('apiKey')
@Controller('v1')
export class StatusController {
  constructor(private readonly downstream: Downstream) {}

  @Get('ping')
  @Governed({ resource: 'platform', action: 'GET' })
  @ApiHeader({ name: 'X-Tenant-ID', required: true })
  @ApiOperation({
    summary:
      "The tenant's whole call path (auth, tenant, rate limit, policy, NATS to the orchestrator), answered by an orchestrator instance",
  })
  @TenantRouteErrors()
  ping(): Promise<StatusGetReply> {
    return this.downstream.call('mcp-orchestrator-api', StatusGet['mcp-orchestrator-api'], {});
  }

  @Get('status/:app')
  @Governed({ tenant: false })
  @ApiOperation({ summary: 'Status of one instance of a platform app (diagnostics)' })
  @ApiParam({ name: 'app', enum: APP_NAMES })
  @ApiResponse({ status: 200, description: 'app, instanceId, version, uptimeSeconds' })
  @ApiResponse({ status: 401, description: 'UNAUTHENTICATED' })
  @ApiResponse({ status: 404, description: 'NOT_FOUND: no such app' })
  @ApiResponse({ status: 503, description: 'SERVICE_UNAVAILABLE: no instance answers, or its circuit is open (Retry-After)' })
  @ApiResponse({ status: 504, description: 'UPSTREAM_TIMEOUT' })
  get(@Param('app') app: string): Promise<StatusGetReply> {
    if (!(APP_NAMES as readonly string[]).includes(app)) throw new DomainError(ErrorCode.NOT_FOUND, 'No such app');
    return this.downstream.call(app as AppName, StatusGet[app as AppName], {});
  }
}
