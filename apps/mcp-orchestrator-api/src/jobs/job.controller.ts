import { Controller } from '@nestjs/common';
import { MessagePattern } from '@nestjs/microservices';
import {
  DomainError,
  ErrorCode,
  JobCancel,
  JobGet,
  JobList,
  JobSubmit,
  type JobCancelRequest,
  type JobGetRequest,
  type JobListRequest,
  type JobSubmitRequest,
} from '#contracts';
import { actorOf } from '../registry/registry.controller.js';
import { decodeCursor, encodeCursor } from '../workflows/workflow.repository.js';
import { JobService } from './job.service.js';

@Controller()
export class JobController {
  constructor(private readonly jobs: JobService) {}

  @MessagePattern(JobSubmit.subject)
  submit(req: JobSubmitRequest) {
    const actor = actorOf(req);
    return this.jobs.submit(actor.tenantId, actor.principalId, req);
  }

  @MessagePattern(JobGet.subject)
  get(req: JobGetRequest) {
    return this.jobs.get(actorOf(req).tenantId, req.jobId);
  }

  @MessagePattern(JobList.subject)
  async list(req: JobListRequest) {
    const cursor = decodeCursor(req.cursor);
    if (req.cursor && !cursor) throw new DomainError(ErrorCode.VALIDATION_FAILED, 'Invalid cursor', { cursor: req.cursor });
    const limit = req.limit ?? 50;
    const rows = await this.jobs.list(actorOf(req).tenantId, { status: req.status, limit, cursor });
    const last = rows.at(-1);
    return {
      items: rows.map(this.jobs.toInfo),
      ...(rows.length === limit && last ? { nextCursor: encodeCursor(last.created_at, last.id) } : {}),
    };
  }

  @MessagePattern(JobCancel.subject)
  cancel(req: JobCancelRequest) {
    return this.jobs.cancel(actorOf(req).tenantId, req.jobId);
  }
}
