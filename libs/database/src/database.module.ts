import { Inject, Module, type DynamicModule, type OnApplicationShutdown } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { APP_ENV, shouldRunMigrations, type DatabaseEnv, type RuntimeEnv } from '#env';
import { ProbeRegistry } from '#observability';
import { createAppDataSource, migrate, type AppDataSourceSpec } from './data-source.js';
import { PostgresProbe } from './postgres-probe.js';
import { TenantScopedDb } from './tenant-scoped-db.js';

class DataSourceLifecycle implements OnApplicationShutdown {
  constructor(@Inject(DataSource) private readonly dataSource: DataSource) {}
  async onApplicationShutdown(): Promise<void> {
    if (this.dataSource.isInitialized) await this.dataSource.destroy();
  }
}

/** Opens the app's DataSource, applies migrations when configured to, and adds the Postgres probe. */
@Module({})
export class DatabaseModule {
  static forApp(spec: AppDataSourceSpec): DynamicModule {
    return {
      module: DatabaseModule,
      global: true,
      providers: [
        {
          provide: DataSource,
          inject: [APP_ENV, ProbeRegistry],
          useFactory: async (env: RuntimeEnv & DatabaseEnv, probes: ProbeRegistry) => {
            const dataSource = createAppDataSource(env, spec);
            await dataSource.initialize();
            if (shouldRunMigrations(env)) await migrate(dataSource, spec.schema);
            probes.add(new PostgresProbe(dataSource));
            return dataSource;
          },
        },
        { provide: TenantScopedDb, inject: [DataSource], useFactory: (ds: DataSource) => new TenantScopedDb(ds) },
        DataSourceLifecycle,
      ],
      exports: [DataSource, TenantScopedDb],
    };
  }
}
