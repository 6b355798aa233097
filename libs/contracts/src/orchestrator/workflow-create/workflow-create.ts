import { IsObject, IsOptional, IsString, Length, Matches } from 'class-validator';
import { defineRpc } from '../../rpc.js';
import { ORCH_NAME, TenantScopedRequest } from '../common.js';

/**
 * Stores a new version of a workflow (version 1 for a new name). The definition is
 * `{ steps: [{ id, kind: 'tool'|'inference'|'workflow', dependsOn?, tool?: { server, name },
 * inference?: { model, maxOutputTokens?, priority? }, workflow?: { name, version? }, input?,
 * timeoutMs?, retry?: { maxAttempts, initialDelayMs, maxDelayMs, multiplier }, compensate?: { server, name, input? } }],
 * output? }` where any `{ "$ref": "input.<path>" | "steps.<id>.output.<path>" }` in an input is
 * replaced before the step runs. VALIDATION_FAILED lists every problem (cycles, unknown steps, refs
 * to steps that are not dependencies).
 */
export class WorkflowCreateRequest extends TenantScopedRequest {
  @IsString()
  @Matches(ORCH_NAME)
  name!: string;

  @IsOptional()
  @IsString()
  @Length(0, 1000)
  description?: string;

  @IsObject()
  definition!: Record<string, unknown>;
}

export interface WorkflowInfo {
  name: string;
  version: number;
  description: string | null;
  definition: Record<string, unknown>;
  createdBy: string;
  createdAt: string;
}

export const WorkflowCreate = defineRpc<WorkflowCreateRequest, WorkflowInfo>('orchestrator.workflow.create', WorkflowCreateRequest);
