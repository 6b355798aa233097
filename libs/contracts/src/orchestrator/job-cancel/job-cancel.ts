import { IsUUID } from 'class-validator';
import { defineRpc } from '../../rpc.js';
import { TenantScopedRequest } from '../common.js';
import type { JobInfo } from '../types.js';

/** Cancels a queued or running job (the backend request is aborted); CONFLICT if it already finished. */
export class JobCancelRequest extends TenantScopedRequest {
  @IsUUID()
  jobId!: string;
}

export const JobCancel = defineRpc<JobCancelRequest, JobInfo>('orchestrator.job.cancel', JobCancelRequest);
