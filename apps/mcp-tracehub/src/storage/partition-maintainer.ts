import { Inject, Injectable, Logger } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { APP_ENV } from '#env';
import type { TracehubEnv } from '../env.js';
import { LIST_PARTITIONS_SQL, createPartitionSql, dropPartitionSql, planPartitions, partitionName } from './partitions.js';

/**
 * Keeps tracehub.spans partitioned by day: creates today's, the retained past days' and a few future
 * days' partitions, and drops partitions past retention (a metadata operation, unlike DELETE). The span
 * start times ingest accepts follow the partitions that exist, so an insert never misses a partition.
 */
@Injectable()
export class PartitionMaintainer {
  private readonly logger = new Logger('PartitionMaintainer');
  private acceptFromUs = 0;
  private acceptToUs = 0;
  private timer: NodeJS.Timeout | null = null;

  constructor(
    @Inject(DataSource) private readonly dataSource: DataSource,
    @Inject(APP_ENV) private readonly env: TracehubEnv,
  ) {}

  acceptsStart(startUs: number): boolean {
    return startUs >= this.acceptFromUs && startUs < this.acceptToUs;
  }

  async run(nowMs = Date.now()): Promise<{ created: string[]; dropped: string[] }> {
    const result = await this.dataSource.transaction(async (manager) => {
      // Replicas maintain partitions concurrently; one at a time avoids DDL races on the parent table.
      await manager.query(`SELECT pg_advisory_xact_lock(hashtext('tracehub.partitions'))`);
      const existing = ((await manager.query(LIST_PARTITIONS_SQL)) as Array<{ name: string }>).map((r) => r.name);
      const plan = planPartitions(nowMs, this.env.TRACEHUB_RETENTION_DAYS, this.env.TRACEHUB_PARTITIONS_AHEAD, existing);
      const created: string[] = [];
      for (const day of plan.keep) {
        if (existing.includes(partitionName(day))) continue;
        await manager.query(createPartitionSql(day));
        created.push(partitionName(day));
      }
      for (const name of plan.drop) await manager.query(dropPartitionSql(name));
      return { plan, created, dropped: plan.drop };
    });
    this.acceptFromUs = result.plan.acceptFromUs;
    this.acceptToUs = result.plan.acceptToUs;
    if (result.created.length || result.dropped.length) {
      this.logger.log({ msg: 'span partitions maintained', created: result.created, dropped: result.dropped });
    }
    return { created: result.created, dropped: result.dropped };
  }

  start(): void {
    this.timer = setInterval(() => {
      this.run().catch((err: unknown) =>
        this.logger.error({ msg: 'partition maintenance failed', err: err instanceof Error ? err.message : String(err) }),
      );
    }, this.env.TRACEHUB_MAINTENANCE_INTERVAL_MS);
    this.timer.unref();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }
}
