import { Module } from '@nestjs/common';
import { DatabaseModule } from '#database';
import { orchestratorDataSourceSpec } from './database/data-source.js';
import { SchedulerModule } from './scheduler/scheduler.module.js';

@Module({
  imports: [DatabaseModule.forApp(orchestratorDataSourceSpec), SchedulerModule],
})
export class AppModule {}
