import { Controller } from '@nestjs/common';
import { MessagePattern } from '@nestjs/microservices';
import { DomainError, ErrorCode, UsageGet, type UsageGetRequest } from '#contracts';
import { OrchestratorDb } from '../persistence/orchestrator-db.js';
import { actorOf } from '../registry/registry.controller.js';
import { UsageRecorder } from './usage-recorder.js';
import { readUsage } from './usage.repository.js';

const DAY_MS = 86_400_000;

@Controller()
export class UsageController {
  constructor(
    private readonly db: OrchestratorDb,
    private readonly recorder: UsageRecorder,
  ) {}

  @MessagePattern(UsageGet.subject)
  async get(req: UsageGetRequest) {
    const { tenantId } = actorOf(req);
    const to = req.to ?? new Date().toISOString().slice(0, 10);
    const from = req.from ?? new Date(Date.parse(to) - 29 * DAY_MS).toISOString().slice(0, 10);
    if (Number.isNaN(Date.parse(from)) || Number.isNaN(Date.parse(to)) || from > to) {
      throw new DomainError(ErrorCode.VALIDATION_FAILED, '"from" and "to" must be dates with from <= to', { from, to });
    }
    // Calls answered by this replica are counted in the reply; other replicas' land within their flush interval.
    await this.recorder.flush();
    return { items: await this.db.tenant(tenantId, (sql) => readUsage(sql, from, to, req.kind)) };
  }
}
