import { IsIn, IsInt, IsOptional, IsString, Length, Max, Min } from 'class-validator';
import { defineRpc } from '../../rpc.js';
import { TenantScopedRequest, type Page } from '../common.js';
import type { JobInfo } from '../types.js';

export class JobListRequest extends TenantScopedRequest {
  @IsOptional()
  @IsIn(['queued', 'placed', 'running', 'succeeded', 'failed', 'cancelled'])
  status?: string;

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

export const JobList = defineRpc<JobListRequest, Page<JobInfo>>('orchestrator.job.list', JobListRequest);
