import { IsBoolean, IsOptional, IsUUID } from 'class-validator';
import { defineRpc } from '../../rpc.js';
import { TenantScopedRequest } from '../common.js';
import type { RunInfo } from '../types.js';

/** A run of this tenant, with every step and each step's attempts unless `steps` is false. */
export class RunGetRequest extends TenantScopedRequest {
  @IsUUID()
  runId!: string;

  @IsOptional()
  @IsBoolean()
  steps?: boolean;
}

export const RunGet = defineRpc<RunGetRequest, RunInfo>('orchestrator.run.get', RunGetRequest);
