import { Module } from '@nestjs/common';
import { DatabaseModule } from '#database';
import { policyDataSourceSpec } from './database/data-source.js';

@Module({
  imports: [DatabaseModule.forApp(policyDataSourceSpec)],
})
export class AppModule {}
