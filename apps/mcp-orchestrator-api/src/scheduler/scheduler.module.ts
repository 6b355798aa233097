import { readFile } from 'node:fs/promises';
import { extname, resolve } from 'node:path';
import { Module } from '@nestjs/common';
import { APP_ENV } from '#env';
import type { SchedulerEnv } from './scheduler.env.js';
import { InferenceScheduler } from './scheduler.port.js';
import { SCHEDULER_OPTIONS, SCHEDULER_SCENARIO, SchedulerService, type SchedulerOptions } from './scheduler.service.js';
import { parseScenario, type Scenario } from './sim/scenario.js';

/** Reads the pools file once at boot; a missing or invalid file stops the app with its reason. */
async function loadScenario(env: SchedulerEnv): Promise<Scenario> {
  const path = resolve(env.SCHEDULER_POOLS_FILE);
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch {
    throw new Error(`SCHEDULER_POOLS_FILE ${path} cannot be read`);
  }
  return parseScenario(text, extname(path) === '.json' ? 'json' : 'yaml');
}

@Module({
  providers: [
    { provide: SCHEDULER_SCENARIO, inject: [APP_ENV], useFactory: loadScenario },
    {
      provide: SCHEDULER_OPTIONS,
      inject: [APP_ENV],
      useFactory: (env: SchedulerEnv): SchedulerOptions => {
        return { tickMs: env.SCHEDULER_TICK_MS, placementTimeoutMs: env.SCHEDULER_PLACEMENT_TIMEOUT_MS };
      },
    },
    SchedulerService,
    { provide: InferenceScheduler, useExisting: SchedulerService },
  ],
  exports: [InferenceScheduler, SchedulerService],
})
export class SchedulerModule {}
