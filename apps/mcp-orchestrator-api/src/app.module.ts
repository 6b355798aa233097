import { Module } from '@nestjs/common';
import { DatabaseModule } from '#database';
import { APP_ENV } from '#env';
import { orchestratorDataSourceSpec } from './database/data-source.js';
import type { OrchestratorApiEnv } from './env.js';
import { JobController } from './jobs/job.controller.js';
import { JobService } from './jobs/job.service.js';
import { StaticPlacement } from './jobs/static-placement.js';
import { OrchestratorDb } from './persistence/orchestrator-db.js';
import { TenantEventsController } from './persistence/tenant-events.controller.js';
import { CallCancellation } from './registry/call-cancellation.js';
import { RegistryController } from './registry/registry.controller.js';
import { RegistryService } from './registry/registry.service.js';
import { InferenceScheduler } from './scheduler/scheduler.port.js';
import { UsageController } from './usage/usage.controller.js';
import { RunEngine } from './workflows/run-engine.js';
import { StepQueue } from './workflows/step-queue.js';
import { WorkflowController } from './workflows/workflow.controller.js';

@Module({
  imports: [DatabaseModule.forApp(orchestratorDataSourceSpec)],
  controllers: [RegistryController, WorkflowController, JobController, UsageController, TenantEventsController],
  providers: [
    OrchestratorDb,
    RegistryService,
    CallCancellation,
    StepQueue,
    RunEngine,
    JobService,
    // Until the scheduler's module binds its own InferenceScheduler, placement comes from a pools file
    // (or every model on the local test backend).
    {
      provide: InferenceScheduler,
      inject: [APP_ENV],
      useFactory: (env: OrchestratorApiEnv) =>
        env.INFERENCE_POOLS_FILE
          ? StaticPlacement.fromFile(env.INFERENCE_POOLS_FILE)
          : new StaticPlacement([{ name: 'local', nodes: ['local-0'], backends: { '*': env.INFERENCE_DEFAULT_BACKEND_URL } }]),
    },
  ],
})
export class AppModule {}
