import { Module } from '@nestjs/common';
import { DatabaseModule } from '#database';
import { ApiKeysService } from './apikeys/apikeys.service.js';
import { ChangeLog } from './changes/change-log.js';
import { ConfigController } from './config.controller.js';
import { configDataSourceSpec } from './database/data-source.js';
import { EntriesService } from './entries/entries.service.js';
import { FlagsService } from './flags/flags.service.js';
import { SecretsService } from './secrets/secrets.service.js';
import { SyncController } from './sync/sync.controller.js';
import { TenantsService } from './tenants/tenants.service.js';

@Module({
  imports: [DatabaseModule.forApp(configDataSourceSpec)],
  controllers: [ConfigController, SyncController],
  providers: [ChangeLog, EntriesService, FlagsService, TenantsService, ApiKeysService, SecretsService],
})
export class AppModule {}
