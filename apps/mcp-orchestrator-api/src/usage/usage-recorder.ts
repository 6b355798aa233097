import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { APP_ENV } from '#env';
import type { TenantId } from '#tenancy';
import type { OrchestratorApiEnv } from '../env.js';
import { OrchestratorDb } from '../persistence/orchestrator-db.js';
import { UsageBuffer } from './usage-buffer.js';
import { recordUsage, writeUsage, type UsageSample } from './usage.repository.js';

/**
 * Tool-call usage off the request path: samples are aggregated in memory and written every
 * USAGE_FLUSH_INTERVAL_MS as one upsert per tenant. A failed write is put back and retried on the
 * next flush; a full buffer writes the sample directly instead of dropping it. Shutdown hooks run
 * after the NATS transport has let in-flight requests finish and before the database closes (its
 * module is shut down after this one); work still settling then (workflow steps) is written directly.
 */
@Injectable()
export class UsageRecorder implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly log = new Logger('usage');
  private readonly buffer: UsageBuffer;
  private timer?: NodeJS.Timeout;
  private flushing: Promise<void> = Promise.resolve();
  private closed = false;

  constructor(
    private readonly db: OrchestratorDb,
    @Inject(APP_ENV) private readonly env: OrchestratorApiEnv,
  ) {
    this.buffer = new UsageBuffer(env.USAGE_BUFFER_MAX_ROWS);
  }

  onApplicationBootstrap(): void {
    this.timer = setInterval(() => void this.flush(), this.env.USAGE_FLUSH_INTERVAL_MS);
    this.timer.unref();
  }

  async onApplicationShutdown(): Promise<void> {
    clearInterval(this.timer);
    this.closed = true;
    await this.flush();
  }

  async record(tenantId: TenantId, sample: UsageSample): Promise<void> {
    if (!this.closed && this.buffer.add(tenantId, sample)) return;
    void this.flush();
    await this.db.tenant(tenantId, (sql) => recordUsage(sql, sample));
  }

  /** Writes what is pending; concurrent callers wait for the same write (readers call it before reading). */
  flush(): Promise<void> {
    this.flushing = this.flushing.then(() => this.writePending());
    return this.flushing;
  }

  private async writePending(): Promise<void> {
    if (!this.buffer.size) return;
    await Promise.all(
      [...this.buffer.take()].map(async ([tenantId, rows]) => {
        try {
          await this.db.tenant(tenantId as TenantId, (sql) => writeUsage(sql, rows));
        } catch (err) {
          this.buffer.restore(rows);
          this.log.error({ msg: 'usage flush failed; kept for the next flush', tenantId, rows: rows.length, err: (err as Error).message });
        }
      }),
    );
  }
}
