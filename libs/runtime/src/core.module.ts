import { Module, type DynamicModule } from '@nestjs/common';
import { APP_FILTER } from '@nestjs/core';
import { TerminusModule } from '@nestjs/terminus';
import { PrometheusModule } from '@willsoto/nestjs-prometheus';
import type { AppName } from '#contracts';
import { APP_ENV, type NatsEnv } from '#env';
import { EVENT_SOURCE, EventBus, NatsClient, RPC_DEFAULT_TIMEOUT_MS, RpcClient } from '#messaging';
import { DependencyHealth, ProbeRegistry } from '#observability';
import { PlatformExceptionFilter } from './exception.filter.js';
import { HealthController } from './health.controller.js';
import { Lifecycle } from './lifecycle.js';
import { statusControllerFor } from './status.controller.js';

export interface CoreModuleOptions {
  app: AppName;
  version: string;
  env: NatsEnv;
  nats: NatsClient;
  lifecycle: Lifecycle;
  probes: ProbeRegistry;
  inFlight: () => number;
}

/** What every app has: env, NATS (client, RPC, events), health, metrics, error mapping. */
@Module({})
export class CoreModule {
  static forRoot(options: CoreModuleOptions): DynamicModule {
    return {
      module: CoreModule,
      global: true,
      imports: [
        TerminusModule.forRoot({ logger: false }),
        PrometheusModule.register({ path: '/metrics', defaultMetrics: { enabled: true } }),
      ],
      controllers: [HealthController, statusControllerFor(options.app, options.version, options.inFlight)],
      providers: [
        { provide: APP_ENV, useValue: options.env },
        { provide: NatsClient, useValue: options.nats },
        { provide: RPC_DEFAULT_TIMEOUT_MS, useValue: options.env.NATS_REQUEST_TIMEOUT_MS },
        { provide: EVENT_SOURCE, useValue: options.app },
        { provide: Lifecycle, useValue: options.lifecycle },
        { provide: ProbeRegistry, useValue: options.probes },
        { provide: APP_FILTER, useClass: PlatformExceptionFilter },
        RpcClient,
        EventBus,
        DependencyHealth,
      ],
      exports: [APP_ENV, NatsClient, RpcClient, EventBus, Lifecycle, ProbeRegistry],
    };
  }
}
