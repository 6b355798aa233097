import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import { eventContractFor, type EventContract } from '#contracts';
import { APP_ENV } from '#env';
import { EventBus, NatsClient } from '#messaging';
import type { ConfigEnv } from '../env.js';

interface OutboxRow {
  revision: string;
  event_type: string;
  data: Record<string, unknown> & { revision: number };
}

/**
 * The revision counter and the transactional outbox (see the migration for why a row lock).
 * A service calls `record` inside its write transaction and `flush` after commit; the
 * sweeper re-flushes whatever a crash or a NATS outage left unpublished.
 */
@Injectable()
export class ChangeLog implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly log = new Logger(ChangeLog.name);
  private timer: NodeJS.Timeout | undefined;
  private pruner: NodeJS.Timeout | undefined;

  constructor(
    private readonly db: DataSource,
    private readonly bus: EventBus,
    private readonly nats: NatsClient,
    @Inject(APP_ENV) private readonly env: ConfigEnv,
  ) {}

  onApplicationBootstrap(): void {
    this.timer = setInterval(() => void this.flush(), this.env.OUTBOX_SWEEP_MS);
    this.timer.unref();
    this.pruner = setInterval(() => void this.prune(), 3_600_000);
    this.pruner.unref();
  }

  onApplicationShutdown(): void {
    clearInterval(this.timer);
    clearInterval(this.pruner);
  }

  /**
   * Published events older than a day are dropped: a client that far behind resyncs from a
   * snapshot anyway, and the revision counter lives in its own row.
   */
  private async prune(): Promise<void> {
    try {
      await this.db.query(`DELETE FROM config.config_outbox WHERE published_at < now() - interval '1 day'`);
    } catch (err) {
      this.log.warn({ msg: 'outbox prune failed', err: err instanceof Error ? err.message : String(err) });
    }
  }

  /** Takes the next revision and queues the event, inside the caller's transaction. */
  async record<D extends { revision: number }>(
    manager: EntityManager,
    contract: EventContract<D>,
    data: Omit<D, 'revision'>,
  ): Promise<number> {
    const [rows] = (await manager.query(`UPDATE config.config_revision SET revision = revision + 1 RETURNING revision`)) as [
      Array<{ revision: string }>,
    ];
    const revision = Number(rows[0]!.revision);
    await manager.query(`INSERT INTO config.config_outbox (revision, event_type, data) VALUES ($1, $2, $3)`, [
      revision,
      contract.subject,
      JSON.stringify({ ...data, revision }),
    ]);
    return revision;
  }

  async currentRevision(manager: EntityManager = this.db.manager): Promise<number> {
    const rows = (await manager.query(`SELECT revision FROM config.config_revision`)) as Array<{ revision: string }>;
    return Number(rows[0]!.revision);
  }

  /**
   * Publishes unpublished events in revision order. Flushers of all replicas take one
   * advisory lock in turn, so events leave in commit order and none twice; a row is marked
   * published only after the NATS server acknowledged the flush.
   */
  async flush(): Promise<void> {
    try {
      await this.db.transaction(async (manager) => {
        await manager.query(`SELECT pg_advisory_xact_lock(hashtext('config.config_outbox'))`);
        const rows = (await manager.query(
          `SELECT revision, event_type, data FROM config.config_outbox WHERE published_at IS NULL ORDER BY revision LIMIT 500`,
        )) as OutboxRow[];
        if (rows.length === 0) return;
        for (const row of rows) {
          const contract = eventContractFor(row.event_type);
          if (!contract) throw new Error(`outbox holds an event without a contract: ${row.event_type}`);
          const tenantId = tenantOf(row.data);
          this.bus.publish(contract, row.data, tenantId ? { tenantId } : {});
        }
        await this.nats.connection.flush();
        await manager.query(`UPDATE config.config_outbox SET published_at = now() WHERE revision = ANY($1::bigint[])`, [
          rows.map((r) => r.revision),
        ]);
      });
    } catch (err) {
      this.log.warn({ msg: 'outbox flush failed; the sweeper retries', err: err instanceof Error ? err.message : String(err) });
    }
  }
}

function tenantOf(data: Record<string, unknown>): string | undefined {
  if (typeof data['tenantId'] === 'string') return data['tenantId'];
  const tenant = data['tenant'] as { id?: unknown } | undefined;
  return typeof tenant?.id === 'string' ? tenant.id : undefined;
}
