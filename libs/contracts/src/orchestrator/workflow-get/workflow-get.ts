import { IsInt, IsOptional, IsString, Matches, Min } from 'class-validator';
import { defineRpc } from '../../rpc.js';
import { ORCH_NAME, TenantScopedRequest } from '../common.js';
import type { WorkflowInfo } from '../workflow-create/workflow-create.js';

/** A workflow version (latest when `version` is absent). */
export class WorkflowGetRequest extends TenantScopedRequest {
  @IsString()
  @Matches(ORCH_NAME)
  name!: string;

  @IsOptional()
  @IsInt()
  @Min(1)
  version?: number;
}

export const WorkflowGet = defineRpc<WorkflowGetRequest, WorkflowInfo>('orchestrator.workflow.get', WorkflowGetRequest);
