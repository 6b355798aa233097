import { Controller, Get, Inject } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { APP_ENV } from '#env';
import type { GatewayEnv } from '../env.js';

/** RFC 9728 protected resource metadata, as the MCP authorization spec asks of an MCP server. */
@ApiTags('auth')
@Controller('.well-known')
export class WellKnownController {
  private readonly metadata: Record<string, unknown>;

  constructor(@Inject(APP_ENV) env: GatewayEnv) {
    this.metadata = {
      resource: new URL('/mcp', env.PUBLIC_URL).toString(),
      authorization_servers: env.AUTH_AUTHORIZATION_SERVERS.length > 0 ? env.AUTH_AUTHORIZATION_SERVERS : [env.AUTH_ISSUER],
      bearer_methods_supported: ['header'],
      resource_signing_alg_values_supported: ['RS256', 'ES256'],
      resource_name: 'MCP Orchestrator Platform',
      resource_documentation: new URL('/docs', env.PUBLIC_URL).toString(),
    };
  }

  @Get(['oauth-protected-resource', 'oauth-protected-resource/mcp'])
  @ApiOperation({ summary: 'OAuth 2.0 protected resource metadata (RFC 9728)' })
  get(): Record<string, unknown> {
    return this.metadata;
  }
}
