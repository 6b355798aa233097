import { IsInt, IsOptional, IsString, Length, Max, Min } from 'class-validator';
import { defineRpc } from '../../rpc.js';
import { TenantScopedRequest, type Page } from '../common.js';

export class WorkflowListRequest extends TenantScopedRequest {
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(200)
  limit?: number;

  @IsOptional()
  @IsString()
  @Length(1, 200)
  cursor?: string;
}

export interface WorkflowSummary {
  name: string;
  latestVersion: number;
  description: string | null;
  updatedAt: string;
}

export const WorkflowList = defineRpc<WorkflowListRequest, Page<WorkflowSummary>>('orchestrator.workflow.list', WorkflowListRequest);
