import { Module } from '@nestjs/common';
import { DatabaseModule } from '#database';
import { configDataSourceSpec } from './database/data-source.js';

@Module({
  imports: [DatabaseModule.forApp(configDataSourceSpec)],
})
export class AppModule {}
