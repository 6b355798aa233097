import { Module } from '@nestjs/common';
import { DatabaseModule } from '#database';
import { orchestratorDataSourceSpec } from './database/data-source.js';

@Module({
  imports: [DatabaseModule.forApp(orchestratorDataSourceSpec)],
})
export class AppModule {}
