import { Controller, Logger } from '@nestjs/common';
import { MessagePattern } from '@nestjs/microservices';
import { Counter, register } from 'prom-client';
import { DataSource } from 'typeorm';
import {
  ConfigSyncRevision,
  ConfigSyncSnapshot,
  type SyncRevisionReply,
  type SyncSnapshotReply,
  SyncRevisionRequest,
  SyncSnapshotRequest,
} from '#contracts';
import { ChangeLog } from '../changes/change-log.js';
import { FlagsService } from '../flags/flags.service.js';
import { TenantsService } from '../tenants/tenants.service.js';

const behind =
  (register.getSingleMetric('config_sync_clients_behind_total') as Counter | undefined) ??
  new Counter({
    name: 'config_sync_clients_behind_total',
    help: 'Revision checks from #config-client instances that were behind (missed the last event)',
  });

/** What #config-client needs to (re)build its cache. */
@Controller()
export class SyncController {
  private readonly log = new Logger(SyncController.name);

  constructor(
    private readonly db: DataSource,
    private readonly changes: ChangeLog,
    private readonly flags: FlagsService,
    private readonly tenants: TenantsService,
  ) {}

  @MessagePattern(ConfigSyncSnapshot.subject)
  async snapshot(request: SyncSnapshotRequest): Promise<SyncSnapshotReply> {
    if (request.reason && request.reason !== 'start') this.log.log({ msg: 'client resync', reason: request.reason });
    // One snapshot of the database: the revision and the rows it covers agree.
    return this.db.transaction('REPEATABLE READ', async (manager) => ({
      revision: await this.changes.currentRevision(manager),
      flags: await this.flags.list({}, manager),
      tenants: await this.tenants.list(undefined, manager),
    }));
  }

  @MessagePattern(ConfigSyncRevision.subject)
  async revision(request: SyncRevisionRequest): Promise<SyncRevisionReply> {
    const revision = await this.changes.currentRevision();
    if (request.knownRevision !== undefined && request.knownRevision < revision) behind.inc();
    return { revision };
  }
}
