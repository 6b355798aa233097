import { IsUUID } from 'class-validator';
import { defineRpc } from '../../rpc.js';
import { TenantScopedRequest } from '../common.js';
import type { JobInfo } from '../types.js';

export class JobGetRequest extends TenantScopedRequest {
  @IsUUID()
  jobId!: string;
}

export const JobGet = defineRpc<JobGetRequest, JobInfo>('orchestrator.job.get', JobGetRequest);
