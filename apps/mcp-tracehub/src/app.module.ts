import { Module } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { DatabaseModule } from '#database';
import { tracehubDataSourceSpec } from './database/data-source.js';
import { IngestService } from './ingest/ingest.service.js';
import { JaegerApiController } from './query/jaeger-api.controller.js';
import { TraceQueryService } from './query/trace-query.service.js';
import { TraceRpcController } from './query/trace-rpc.controller.js';
import { PartitionMaintainer } from './storage/partition-maintainer.js';
import { SpanStore } from './storage/span-store.js';

@Module({
  imports: [DatabaseModule.forApp(tracehubDataSourceSpec)],
  controllers: [JaegerApiController, TraceRpcController],
  providers: [
    {
      provide: SpanStore,
      inject: [DataSource],
      useFactory: (dataSource: DataSource) => new SpanStore({ query: (text, params) => dataSource.query(text, params) }),
    },
    PartitionMaintainer,
    TraceQueryService,
    IngestService,
  ],
})
export class AppModule {}
