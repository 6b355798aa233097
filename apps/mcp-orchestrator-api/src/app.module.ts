import { Module } from '@nestjs/common';
import { DatabaseModule } from '#database';
import { orchestratorDataSourceSpec } from './database/data-source.js';
import { JobController } from './jobs/job.controller.js';
import { JobService } from './jobs/job.service.js';
import { OrchestratorDb } from './persistence/orchestrator-db.js';
import { TenantEventsController } from './persistence/tenant-events.controller.js';
import { CallCancellation } from './registry/call-cancellation.js';
import { RegistryController } from './registry/registry.controller.js';
import { RegistryService } from './registry/registry.service.js';
import { SchedulerModule } from './scheduler/scheduler.module.js';
import { UsageController } from './usage/usage.controller.js';
import { UsageRecorder } from './usage/usage-recorder.js';
import { RunEngine } from './workflows/run-engine.js';
import { StepQueue } from './workflows/step-queue.js';
import { WorkflowController } from './workflows/workflow.controller.js';

@Module({
  imports: [DatabaseModule.forApp(orchestratorDataSourceSpec), SchedulerModule],
  controllers: [RegistryController, WorkflowController, JobController, UsageController, TenantEventsController],
  providers: [OrchestratorDb, UsageRecorder, RegistryService, CallCancellation, StepQueue, RunEngine, JobService],
})
export class AppModule {}
