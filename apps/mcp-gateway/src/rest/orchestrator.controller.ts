import { Body, Controller, Get, HttpCode, Param, Post, Query, Req } from '@nestjs/common';
import { ApiBearerAuth, ApiBody, ApiHeader, ApiOperation, ApiResponse, ApiSecurity, ApiTags } from '@nestjs/swagger';
import type { FastifyRequest } from 'fastify';
import {
  JobGet,
  JobSubmit,
  RunGet,
  RunStart,
  ToolList,
  WorkflowList,
  type JobInfo,
  type JobSubmitRequest,
  type RunInfo,
  type ToolInfo,
} from '#contracts';
import { Governed } from '../pipeline/governed.js';
import { Downstream } from '../forwarding/downstream.service.js';
import { INFERENCE_JOB_PROPERTIES } from '../edge/inference-job.schema.js';
import { JsonSchemaPipe } from '../edge/json-schema.pipe.js';
import { callerScope, idempotencyKeyOf, IdempotentSubmission, TenantRouteErrors } from './tenant-route.js';

const JOB_SCHEMA = {
  type: 'object',
  required: ['model', 'messages'],
  additionalProperties: false,
  properties: {
    ...INFERENCE_JOB_PROPERTIES,
    resources: {
      type: 'object',
      required: ['cpu', 'memoryMiB', 'gpu'],
      additionalProperties: false,
      properties: { cpu: { type: 'number', minimum: 0 }, memoryMiB: { type: 'integer', minimum: 0 }, gpu: { type: 'integer', minimum: 0 } },
    },
    spotTolerant: { type: 'boolean' },
  },
};

const RUN_SCHEMA = {
  type: 'object',
  additionalProperties: false,
  properties: { version: { type: 'integer', minimum: 1 }, input: { type: 'object' } },
};

/** REST routes owned by mcp-orchestrator-api: tools, inference jobs, workflows and their runs. */
@ApiTags('orchestrator')
@ApiBearerAuth()
@ApiSecurity('apiKey')
@ApiHeader({ name: 'X-Tenant-ID', required: true, description: 'Tenant the call acts for' })
@TenantRouteErrors()
@Controller('v1')
export class OrchestratorController {
  constructor(private readonly downstream: Downstream) {}

  @Get('tools')
  @Governed({ resource: 'tool', action: 'GET' })
  @ApiOperation({ summary: 'Registered upstream tools of the tenant' })
  async tools(@Req() req: FastifyRequest, @Query('includeQuarantined') includeQuarantined?: string): Promise<{ items: ToolInfo[] }> {
    return this.downstream.call('mcp-orchestrator-api', ToolList, {
      ...callerScope(req),
      ...(includeQuarantined === 'true' ? { includeQuarantined: true } : {}),
    });
  }

  @Post('jobs')
  @HttpCode(202)
  @Governed({ resource: 'job', action: 'POST', feature: 'ml_inference' })
  @ApiOperation({ summary: 'Submit an inference job (needs the ml_inference feature)' })
  @ApiBody({ schema: JOB_SCHEMA as object })
  @ApiResponse({ status: 202, description: 'The job, queued (or finished when wait is true)' })
  @IdempotentSubmission()
  submitJob(@Req() req: FastifyRequest, @Body(new JsonSchemaPipe(JOB_SCHEMA)) body: Record<string, unknown>): Promise<JobInfo> {
    const request = { ...callerScope(req), ...idempotencyKeyOf(req), ...body } as JobSubmitRequest;
    return this.downstream.call('mcp-orchestrator-api', JobSubmit, request, (request.wait ? (request.waitTimeoutMs ?? 60_000) : 0) + 5_000);
  }

  @Get('jobs/:jobId')
  @Governed({ resource: 'job', action: 'GET', resourceIdParam: 'jobId' })
  @ApiOperation({ summary: 'An inference job of the tenant' })
  job(@Req() req: FastifyRequest, @Param('jobId') jobId: string): Promise<JobInfo> {
    return this.downstream.call('mcp-orchestrator-api', JobGet, { ...callerScope(req), jobId });
  }

  @Get('workflows')
  @Governed({ resource: 'workflow', action: 'GET' })
  @ApiOperation({ summary: 'Workflows of the tenant' })
  workflows(@Req() req: FastifyRequest, @Query('cursor') cursor?: string) {
    return this.downstream.call('mcp-orchestrator-api', WorkflowList, { ...callerScope(req), ...(cursor ? { cursor } : {}) });
  }

  @Post('workflows/:workflow/runs')
  @HttpCode(202)
  @Governed({ resource: 'workflow', action: 'POST', resourceIdParam: 'workflow' })
  @ApiOperation({ summary: 'Start a run of a workflow' })
  @ApiBody({ schema: RUN_SCHEMA as object })
  @IdempotentSubmission()
  startRun(
    @Req() req: FastifyRequest,
    @Param('workflow') workflow: string,
    @Body(new JsonSchemaPipe(RUN_SCHEMA)) body: { version?: number; input?: Record<string, unknown> },
  ): Promise<RunInfo> {
    return this.downstream.call('mcp-orchestrator-api', RunStart, { ...callerScope(req), ...idempotencyKeyOf(req), workflow, ...body });
  }

  @Get('runs/:runId')
  @Governed({ resource: 'run', action: 'GET', resourceIdParam: 'runId' })
  @ApiOperation({ summary: 'A run with its steps' })
  run(@Req() req: FastifyRequest, @Param('runId') runId: string): Promise<RunInfo> {
    return this.downstream.call('mcp-orchestrator-api', RunGet, { ...callerScope(req), runId });
  }
}
