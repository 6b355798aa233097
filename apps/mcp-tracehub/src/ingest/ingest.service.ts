import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import Fastify, { type FastifyInstance } from 'fastify';
import { register } from 'prom-client';
import { DataSource } from 'typeorm';
import { APP_ENV } from '#env';
import { isTenantId } from '#tenancy';
import type { TracehubEnv } from '../env.js';
import { PartitionMaintainer } from '../storage/partition-maintainer.js';
import { SpanStore } from '../storage/span-store.js';
import { RedRecorder, queueObserver, reportQueueDepth } from './ingest-metrics.js';
import { createOtlpReceiver } from './otlp-receiver.js';
import { SpanQueue } from './span-queue.js';

/**
 * Owns the hub's extra listeners and the write path: OTLP/HTTP on OTLP_PORT feeding the bounded queue,
 * the queue's batched writes to Postgres, partition upkeep, and the admin listener (ADMIN_PORT) with the
 * hub's own health and metrics. They open while Nest boots (before the main port), and on shutdown the
 * OTLP listener closes first, then the queue is flushed while the database is still open.
 */
@Injectable()
export class IngestService implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger('Ingest');
  readonly queue: SpanQueue;
  private readonly red = new RedRecorder();
  private otlp: FastifyInstance | null = null;
  private admin: FastifyInstance | null = null;

  constructor(
    @Inject(APP_ENV) private readonly env: TracehubEnv,
    @Inject(SpanStore) store: SpanStore,
    @Inject(PartitionMaintainer) private readonly partitions: PartitionMaintainer,
    @Inject(DataSource) private readonly dataSource: DataSource,
  ) {
    this.queue = new SpanQueue(
      store,
      {
        capacity: env.TRACEHUB_QUEUE_CAPACITY,
        batchSize: env.TRACEHUB_BATCH_SIZE,
        lingerMs: env.TRACEHUB_BATCH_LINGER_MS,
        concurrency: env.TRACEHUB_WRITERS,
        retryInitialMs: 100,
        retryMaxMs: env.TRACEHUB_RETRY_MAX_MS,
      },
      queueObserver((entry) => this.logger.warn(entry)),
    );
    reportQueueDepth(() => this.queue.depth);
  }

  async onApplicationBootstrap(): Promise<void> {
    await this.partitions.run();
    this.partitions.start();
    this.otlp = createOtlpReceiver({
      bodyLimit: this.env.OTLP_BODY_LIMIT,
      normalize: { acceptStart: (us) => this.partitions.acceptsStart(us), isTenantId },
      accept: (spans) => this.queue.offer(spans),
      retryAfterSeconds: () => this.queue.retryAfterSeconds(),
      onAccepted: (spans) => this.red.record(spans),
    });
    this.admin = this.createAdmin();
    await this.otlp.listen({ port: this.env.OTLP_PORT, host: this.env.HTTP_HOST });
    await this.admin.listen({ port: this.env.ADMIN_PORT, host: this.env.HTTP_HOST });
    this.logger.log({ msg: 'listeners open', otlpPort: portOf(this.otlp), adminPort: portOf(this.admin) });
  }

  async onModuleDestroy(): Promise<void> {
    this.partitions.stop();
    await this.otlp?.close();
    const flushed = await this.queue.flush(Math.max(1_000, this.env.SHUTDOWN_TIMEOUT_MS - 2_000));
    if (!flushed) this.logger.error({ msg: 'shutdown with spans not written', spans: this.queue.depth });
    this.queue.stop();
    await this.admin?.close();
  }

  private createAdmin(): FastifyInstance {
    const admin = Fastify({ logger: false, forceCloseConnections: true });
    admin.get('/health/live', async () => ({ status: 'ok' }));
    admin.get('/health/ready', async (_request, reply) => {
      const checks: Record<string, { status: 'up' | 'down'; message?: string }> = {};
      try {
        await this.dataSource.query('SELECT 1');
        checks['postgres'] = { status: 'up' };
      } catch (error) {
        checks['postgres'] = { status: 'down', message: error instanceof Error ? error.message : String(error) };
      }
      const full = this.queue.depth >= this.queue.capacity;
      checks['queue'] = full ? { status: 'down', message: 'span queue full' } : { status: 'up' };
      const ok = Object.values(checks).every((c) => c.status === 'up');
      return reply
        .status(ok ? 200 : 503)
        .send({ status: ok ? 'ok' : 'error', details: checks, queue: { depth: this.queue.depth, capacity: this.queue.capacity } });
    });
    admin.get('/metrics', async (_request, reply) => reply.header('content-type', register.contentType).send(await register.metrics()));
    return admin;
  }
}

function portOf(server: FastifyInstance): number {
  const address = server.server.address();
  return typeof address === 'object' && address ? address.port : 0;
}
