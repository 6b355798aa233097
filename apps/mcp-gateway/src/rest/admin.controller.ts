import { Body, Controller, HttpCode, Param, Post, Put, Req } from '@nestjs/common';
import { ApiBearerAuth, ApiBody, ApiHeader, ApiOperation, ApiSecurity, ApiTags } from '@nestjs/swagger';
import type { FastifyRequest } from 'fastify';
import {
  ConfigApiKeyCreate,
  ConfigFlagSet,
  ConfigTenantOnboard,
  ConfigTenantSuspend,
  RuleAdd,
  ServerRegister,
  WorkflowCreate,
  type ApiKeyCreateRequest,
  type FlagSetRequest,
  type TenantOnboardRequest,
} from '#contracts';
import { Governed } from '../pipeline/governed.js';
import { Downstream } from '../forwarding/downstream.service.js';
import { JsonSchemaPipe } from '../edge/json-schema.pipe.js';
import { callerScope, TenantRouteErrors } from './tenant-route.js';

const NAME = '^[a-z][a-z0-9-]{0,39}$';
const TENANT_SCHEMA = {
  type: 'object',
  required: ['tenantId', 'name'],
  additionalProperties: false,
  properties: {
    tenantId: { type: 'string', pattern: '^[a-z0-9](?:[a-z0-9-]{0,38}[a-z0-9])$' },
    name: { type: 'string', minLength: 1, maxLength: 200 },
    tier: { enum: ['free', 'standard', 'premium', 'enterprise'] },
    features: { type: 'array', maxItems: 100, items: { type: 'string', pattern: '^[a-z0-9][a-z0-9_.-]{0,63}$' } },
    limits: {
      type: 'object',
      required: ['requests_per_minute', 'concurrent_contexts'],
      additionalProperties: false,
      properties: { requests_per_minute: { type: 'integer', minimum: 1 }, concurrent_contexts: { type: 'integer', minimum: 1 } },
    },
  },
};
const SUSPEND_SCHEMA = { type: 'object', additionalProperties: false, properties: { reason: { type: 'string', maxLength: 1000 } } };
const API_KEY_SCHEMA = {
  type: 'object',
  required: ['name', 'roles'],
  additionalProperties: false,
  properties: {
    name: { type: 'string', minLength: 1, maxLength: 200 },
    roles: { type: 'array', minItems: 1, maxItems: 32, items: { type: 'string', pattern: '^[a-z][a-z0-9_:-]{0,63}$' } },
    expiresAt: { type: 'string', minLength: 1, maxLength: 40 },
  },
};
const SERVER_SCHEMA = {
  type: 'object',
  required: ['server', 'url'],
  additionalProperties: false,
  properties: {
    server: { type: 'string', pattern: NAME },
    url: { type: 'string', pattern: '^https?://', maxLength: 2048 },
    version: { type: 'string', minLength: 1, maxLength: 64 },
    quarantineOnChange: { type: 'boolean' },
  },
};
const WORKFLOW_SCHEMA = {
  type: 'object',
  required: ['name', 'definition'],
  additionalProperties: false,
  properties: { name: { type: 'string', pattern: NAME }, description: { type: 'string', maxLength: 1000 }, definition: { type: 'object' } },
};
const RULE_SCHEMA = {
  type: 'object',
  required: ['subject', 'resource', 'action', 'effect'],
  additionalProperties: false,
  properties: {
    id: { type: 'string', minLength: 1, maxLength: 63 },
    subject: { type: 'string', minLength: 1, maxLength: 63 },
    resource: { type: 'string', minLength: 1, maxLength: 63 },
    action: { type: 'string', minLength: 1, maxLength: 63 },
    condition: { type: 'string', maxLength: 2000 },
    effect: { enum: ['allow', 'deny'] },
    reason: { type: 'string', maxLength: 200 },
    description: { type: 'string', maxLength: 1000 },
  },
};
const FLAG_SCHEMA = {
  type: 'object',
  required: ['flag', 'expectedVersion'],
  additionalProperties: false,
  properties: { flag: { type: 'object' }, expectedVersion: { type: 'integer', minimum: 0 }, reason: { type: 'string', maxLength: 1000 } },
};

/**
 * Administration through the gateway: tenant onboarding and suspension and global flags for
 * platform administrators; API keys, upstream servers, workflows and policy rules inside the
 * caller's tenant (policy decides who). The acting principal is recorded as `actor`.
 */
@ApiTags('administration')
@ApiBearerAuth()
@ApiSecurity('apiKey')
@TenantRouteErrors()
@Controller('v1')
export class AdminController {
  constructor(private readonly downstream: Downstream) {}

  @Post('tenants')
  @HttpCode(201)
  @Governed({ tenant: false, platformAdmin: true })
  @ApiOperation({ summary: 'Onboard a tenant (platform-admin)' })
  @ApiBody({ schema: TENANT_SCHEMA as object })
  onboard(@Req() req: FastifyRequest, @Body(new JsonSchemaPipe(TENANT_SCHEMA)) body: Omit<TenantOnboardRequest, 'actor'>) {
    return this.downstream.call('mcp-config', ConfigTenantOnboard, { ...body, actor: req.gateway!.principal.id }, 30_000);
  }

  @Post('tenants/:tenantId/suspend')
  @HttpCode(200)
  @Governed({ tenant: false, platformAdmin: true })
  @ApiOperation({ summary: 'Suspend a tenant (platform-admin)' })
  @ApiBody({ schema: SUSPEND_SCHEMA as object, required: false })
  suspend(
    @Req() req: FastifyRequest,
    @Param('tenantId') tenantId: string,
    @Body(new JsonSchemaPipe(SUSPEND_SCHEMA, true)) body: { reason?: string } | undefined,
  ) {
    return this.downstream.call('mcp-config', ConfigTenantSuspend, {
      tenantId,
      actor: req.gateway!.principal.id,
      ...(body?.reason ? { reason: body.reason } : {}),
    });
  }

  @Put('flags/:key')
  @Governed({ tenant: false, platformAdmin: true })
  @ApiOperation({ summary: 'Create or change a feature flag (platform-admin); expectedVersion 0 creates' })
  @ApiBody({ schema: FLAG_SCHEMA as object })
  setFlag(
    @Req() req: FastifyRequest,
    @Param('key') key: string,
    @Body(new JsonSchemaPipe(FLAG_SCHEMA)) body: Omit<FlagSetRequest, 'actor'>,
  ) {
    const request = { ...body, flag: { ...body.flag, key }, actor: req.gateway!.principal.id } as FlagSetRequest;
    return this.downstream.call('mcp-config', ConfigFlagSet, request);
  }

  @Post('api-keys')
  @HttpCode(201)
  @Governed({ resource: 'api-key', action: 'POST' })
  @ApiHeader({ name: 'X-Tenant-ID', required: true })
  @ApiOperation({ summary: 'Issue an API key for the tenant; the key is in this answer only' })
  @ApiBody({ schema: API_KEY_SCHEMA as object })
  createApiKey(
    @Req() req: FastifyRequest,
    @Body(new JsonSchemaPipe(API_KEY_SCHEMA)) body: Pick<ApiKeyCreateRequest, 'name' | 'roles' | 'expiresAt'>,
  ) {
    const { tenantId, principalId } = callerScope(req);
    return this.downstream.call('mcp-config', ConfigApiKeyCreate, { ...body, tenantId, actor: principalId });
  }

  @Post('servers')
  @HttpCode(201)
  @Governed({ resource: 'server', action: 'POST' })
  @ApiHeader({ name: 'X-Tenant-ID', required: true })
  @ApiOperation({ summary: "Register an upstream MCP server in the tenant's registry" })
  @ApiBody({ schema: SERVER_SCHEMA as object })
  registerServer(
    @Req() req: FastifyRequest,
    @Body(new JsonSchemaPipe(SERVER_SCHEMA)) body: { server: string; url: string; version?: string; quarantineOnChange?: boolean },
  ) {
    return this.downstream.call('mcp-orchestrator-api', ServerRegister, { ...callerScope(req), ...body }, 30_000);
  }

  @Post('workflows')
  @HttpCode(201)
  @Governed({ resource: 'workflow', action: 'POST' })
  @ApiHeader({ name: 'X-Tenant-ID', required: true })
  @ApiOperation({ summary: 'Store a new version of a workflow' })
  @ApiBody({ schema: WORKFLOW_SCHEMA as object })
  createWorkflow(
    @Req() req: FastifyRequest,
    @Body(new JsonSchemaPipe(WORKFLOW_SCHEMA)) body: { name: string; description?: string; definition: Record<string, unknown> },
  ) {
    return this.downstream.call('mcp-orchestrator-api', WorkflowCreate, { ...callerScope(req), ...body });
  }

  @Post('policies/rules')
  @HttpCode(201)
  @Governed({ resource: 'policy', action: 'POST' })
  @ApiHeader({ name: 'X-Tenant-ID', required: true })
  @ApiOperation({ summary: "Add a rule to the tenant's policy (its domain is always the tenant)" })
  @ApiBody({ schema: RULE_SCHEMA as object })
  addRule(@Req() req: FastifyRequest, @Body(new JsonSchemaPipe(RULE_SCHEMA)) body: Record<string, string>) {
    const { tenantId, principalId } = callerScope(req);
    return this.downstream.call('mcp-policy-proxy', RuleAdd, {
      actor: principalId,
      rule: { condition: 'true', ...body, domain: tenantId } as never,
    });
  }
}
