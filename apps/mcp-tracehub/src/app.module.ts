import { Module } from '@nestjs/common';
import { DatabaseModule } from '#database';
import { tracehubDataSourceSpec } from './database/data-source.js';

@Module({
  imports: [DatabaseModule.forApp(tracehubDataSourceSpec)],
})
export class AppModule {}
