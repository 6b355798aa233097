import { IsIn, IsInt, IsOptional, IsString, Length, Matches, Max, Min } from 'class-validator';
import { defineRpc } from '../../rpc.js';
import { ORCH_NAME, TenantScopedRequest, type Page } from '../common.js';
import type { RunInfo } from '../types.js';

/** Runs of this tenant, newest first, filtered by status and/or workflow. */
export class RunListRequest extends TenantScopedRequest {
  @IsOptional()
  @IsIn(['running', 'succeeded', 'failed', 'cancelled'])
  status?: 'running' | 'succeeded' | 'failed' | 'cancelled';

  @IsOptional()
  @IsString()
  @Matches(ORCH_NAME)
  workflow?: string;

  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(500)
  limit?: number;

  @IsOptional()
  @IsString()
  @Length(1, 200)
  cursor?: string;
}

export const RunList = defineRpc<RunListRequest, Page<RunInfo>>('orchestrator.run.list', RunListRequest);
