import { IsUUID } from 'class-validator';
import { defineRpc } from '../../rpc.js';
import { TenantScopedRequest } from '../common.js';
import type { RunInfo } from '../types.js';

/** Cancels a running run: pending steps are cancelled, in-flight ones aborted; CONFLICT if already finished. */
export class RunCancelRequest extends TenantScopedRequest {
  @IsUUID()
  runId!: string;
}

export const RunCancel = defineRpc<RunCancelRequest, RunInfo>('orchestrator.run.cancel', RunCancelRequest);
