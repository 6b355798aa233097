import { IsInt, IsObject, IsOptional, IsString, Matches, Min } from 'class-validator';
import { defineRpc } from '../../rpc.js';
import { IdempotencyKeyField, ORCH_NAME, TenantScopedRequest } from '../common.js';
import type { RunInfo } from '../types.js';

/** Starts a durable run (returns at once with status "running"); follow it with run.get or events. */
export class RunStartRequest extends TenantScopedRequest {
  @IsString()
  @Matches(ORCH_NAME)
  workflow!: string;

  @IsOptional()
  @IsInt()
  @Min(1)
  version?: number;

  @IsOptional()
  @IsObject()
  input?: Record<string, unknown>;

  @IdempotencyKeyField()
  idempotencyKey?: string;
}

export const RunStart = defineRpc<RunStartRequest, RunInfo>('orchestrator.run.start', RunStartRequest);
