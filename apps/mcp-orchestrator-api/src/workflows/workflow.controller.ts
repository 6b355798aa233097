import { Controller } from '@nestjs/common';
import { MessagePattern } from '@nestjs/microservices';
import {
  DomainError,
  ErrorCode,
  RunCancel,
  RunGet,
  RunList,
  RunStart,
  WorkflowCreate,
  WorkflowGet,
  WorkflowList,
  type RunCancelRequest,
  type RunGetRequest,
  type RunListRequest,
  type RunStartRequest,
  type WorkflowCreateRequest,
  type WorkflowGetRequest,
  type WorkflowListRequest,
} from '#contracts';
import { OrchestratorDb } from '../persistence/orchestrator-db.js';
import { actorOf } from '../registry/registry.controller.js';
import type { WorkflowDefinition } from './definition.js';
import { RunEngine } from './run-engine.js';
import { decodeCursor, encodeCursor, runInfo, WorkflowRepository } from './workflow.repository.js';

function cursorOf(cursor: string | undefined) {
  const decoded = decodeCursor(cursor);
  if (cursor && !decoded) throw new DomainError(ErrorCode.VALIDATION_FAILED, 'Invalid cursor', { cursor });
  return decoded;
}

@Controller()
export class WorkflowController {
  constructor(
    private readonly engine: RunEngine,
    private readonly db: OrchestratorDb,
  ) {}

  @MessagePattern(WorkflowCreate.subject)
  create(req: WorkflowCreateRequest) {
    const actor = actorOf(req);
    return this.engine.createWorkflow(
      actor.tenantId,
      req.name,
      req.definition as unknown as WorkflowDefinition,
      req.description ?? null,
      actor.principalId,
    );
  }

  @MessagePattern(WorkflowGet.subject)
  get(req: WorkflowGetRequest) {
    return this.engine.getWorkflow(actorOf(req).tenantId, req.name, req.version);
  }

  @MessagePattern(WorkflowList.subject)
  async list(req: WorkflowListRequest) {
    const limit = req.limit ?? 50;
    const after = req.cursor ? Buffer.from(req.cursor, 'base64url').toString() : undefined;
    const items = await this.db.tenant(actorOf(req).tenantId, (sql) => new WorkflowRepository(sql).workflows(limit, after));
    return { items, ...(items.length === limit ? { nextCursor: Buffer.from(items.at(-1)!.name).toString('base64url') } : {}) };
  }

  @MessagePattern(RunStart.subject)
  start(req: RunStartRequest) {
    const actor = actorOf(req);
    return this.engine.startRun(actor.tenantId, {
      workflow: req.workflow,
      version: req.version,
      input: req.input,
      by: actor.principalId,
      idempotencyKey: req.idempotencyKey,
    });
  }

  @MessagePattern(RunGet.subject)
  run(req: RunGetRequest) {
    return this.engine.getRun(actorOf(req).tenantId, req.runId, req.steps ?? true);
  }

  @MessagePattern(RunList.subject)
  async runs(req: RunListRequest) {
    const limit = req.limit ?? 50;
    const rows = await this.db.tenant(actorOf(req).tenantId, (sql) =>
      new WorkflowRepository(sql).runs({ status: req.status, workflow: req.workflow, limit, cursor: cursorOf(req.cursor) }),
    );
    const last = rows.at(-1);
    return {
      items: rows.map((r) => runInfo(r)),
      ...(rows.length === limit && last ? { nextCursor: encodeCursor(last.created_at, last.id) } : {}),
    };
  }

  @MessagePattern(RunCancel.subject)
  cancel(req: RunCancelRequest) {
    return this.engine.cancelRun(actorOf(req).tenantId, req.runId);
  }
}
