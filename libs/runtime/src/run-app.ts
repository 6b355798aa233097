import { Module, type DynamicModule, type INestApplication, type Type } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import { randomUUID } from 'node:crypto';
import type { AppName } from '#contracts';
import type { NatsEnv, RuntimeEnv } from '#env';
import { NatsClient, NatsTransport } from '#messaging';
import { httpRequestDuration, JsonLogger, ProbeRegistry } from '#observability';
import { stopTracing } from '#tracing';
import { CoreModule } from './core.module.js';
import { Lifecycle } from './lifecycle.js';

export interface RunAppOptions {
  app: AppName;
  env: RuntimeEnv & NatsEnv;
  /** The app's root module. */
  module: Type<unknown> | DynamicModule;
  /** Main HTTP port for this app (from its env). */
  httpPort: number;
  version?: string;
  /** Extra set-up on the Nest app before it listens (more listeners, hooks, OpenAPI). */
  configure?: (app: NestFastifyApplication) => Promise<void> | void;
  /** Closed after the main app during shutdown (extra listeners). */
  onShutdown?: () => Promise<void>;
}

export interface RunningApp {
  app: NestFastifyApplication;
  url: string;
  shutdown(reason: string): Promise<void>;
}

/**
 * Boots an app the same way everywhere: NATS first (the app is useless without it), then Nest on
 * Fastify with the NATS transport in the app's queue group, then HTTP. SIGTERM/SIGINT stop intake,
 * let in-flight work finish within SHUTDOWN_TIMEOUT_MS, drain NATS, flush traces and exit.
 */
export async function runApp(options: RunAppOptions): Promise<RunningApp> {
  const { app: name, env } = options;
  const logger = new JsonLogger(name, env.LOG_LEVEL);
  const lifecycle = new Lifecycle();
  const probes = new ProbeRegistry();

  const nats = await NatsClient.connect({
    url: env.NATS_URL,
    name: `${name}:${randomUUID().slice(0, 8)}`,
    subjectPrefix: env.NATS_SUBJECT_PREFIX,
  });
  probes.add({ name: 'nats', check: () => nats.ping() });
  const transport = new NatsTransport(nats, name, logger, env.SHUTDOWN_TIMEOUT_MS);

  @Module({
    imports: [
      CoreModule.forRoot({
        app: name,
        version: options.version ?? '0.1.0',
        env,
        nats,
        lifecycle,
        probes,
        inFlight: () => transport.inFlightCount,
      }),
      options.module,
    ],
  })
  class RootModule {}

  const adapter = new FastifyAdapter({
    bodyLimit: env.HTTP_BODY_LIMIT,
    requestIdHeader: 'x-request-id',
    genReqId: () => randomUUID(),
    // Idle keep-alive sockets must not hold shutdown open; in-flight requests still finish.
    forceCloseConnections: 'idle',
    return503OnClosing: true,
  });
  const app = await NestFactory.create<NestFastifyApplication>(RootModule, adapter, { logger, abortOnError: false });
  const fastify = app.getHttpAdapter().getInstance();
  fastify.addHook('onRequest', async (request, reply) => {
    reply.header('x-request-id', request.id);
  });
  fastify.addHook('onResponse', async (request, reply) => {
    httpRequestDuration.observe(
      { route: request.routeOptions.url ?? 'unmatched', method: request.method, status: String(reply.statusCode) },
      reply.elapsedTime / 1000,
    );
  });
  app.connectMicroservice({ strategy: transport }, { inheritAppConfig: true });
  await options.configure?.(app);
  // Every module finishes its start-up (migrations, policy load, caches) before the app takes its
  // first NATS message or HTTP request, so nothing is answered from a half-loaded state.
  await app.init();
  await app.startAllMicroservices();
  await app.listen({ port: options.httpPort, host: env.HTTP_HOST });
  const address = fastify.server.address();
  const port = typeof address === 'object' && address ? address.port : options.httpPort;
  const url = `http://127.0.0.1:${port}`;
  lifecycle.started = true;

  let stopping: Promise<void> | undefined;
  const shutdown = (reason: string): Promise<void> => {
    stopping ??= (async () => {
      logger.log({ msg: 'shutting down', reason });
      lifecycle.draining = true;
      const deadline = setTimeout(() => {
        logger.error({ msg: 'shutdown timed out; exiting with work in flight', timeoutMs: env.SHUTDOWN_TIMEOUT_MS });
        process.exit(1);
      }, env.SHUTDOWN_TIMEOUT_MS + 2_000).unref();
      await closeQuietly(app, logger);
      await options.onShutdown?.().catch((err: unknown) => logger.error({ msg: 'extra listener close failed', err: String(err) }));
      await nats.drain();
      await stopTracing();
      clearTimeout(deadline);
      logger.log({ msg: 'stopped' });
    })();
    return stopping;
  };
  // `on`, not `once`: a repeated signal during the drain must not fall back to the default action
  // (immediate death); the watchdog above bounds the drain instead.
  for (const signal of ['SIGTERM', 'SIGINT'] as const) {
    process.on(signal, () => void shutdown(signal).then(() => process.exit(0)));
  }
  // Announced only once the signal handlers are in place: a supervisor that stops the app as soon as
  // it reads this line must get the graceful path, not the default action of an unhandled SIGTERM.
  logger.log({ msg: 'ready', httpPort: port, url });
  return { app, url, shutdown };
}

async function closeQuietly(app: INestApplication, logger: JsonLogger): Promise<void> {
  try {
    await app.close();
  } catch (err) {
    logger.error({ msg: 'error while closing', err: err instanceof Error ? err.message : String(err) });
  }
}
