import { Module } from '@nestjs/common';
import { DatabaseModule } from '#database';
import { orchestratorDataSourceSpec } from './database/data-source.js';
import { OrchestratorDb } from './persistence/orchestrator-db.js';
import { CallCancellation } from './registry/call-cancellation.js';
import { RegistryController } from './registry/registry.controller.js';
import { RegistryService } from './registry/registry.service.js';
import { UsageController } from './usage/usage.controller.js';

@Module({
  imports: [DatabaseModule.forApp(orchestratorDataSourceSpec)],
  controllers: [RegistryController, UsageController],
  providers: [OrchestratorDb, RegistryService, CallCancellation],
})
export class AppModule {}
