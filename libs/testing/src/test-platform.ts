import type { AppName } from '#contracts';
import { startApp, type AppProcess } from './app-process.js';
import { testNamespace, type TestNamespace } from './namespace.js';
import { createTestDatabase, type TestDatabase } from './test-database.js';

/** HS256 secret the gateway of a test platform accepts (development-only mechanism; 32+ chars). */
export const TEST_HS256_SECRET = 'test-only-hs256-secret-0123456789abcdef';

/**
 * One isolated test run on the real infrastructure: its own database, subject and key prefixes,
 * and any of the five apps booted through their real entry points sharing them.
 */
export class TestPlatform {
  readonly apps = new Map<string, AppProcess>();
  private readonly extras: AppProcess[] = [];

  private constructor(
    readonly namespace: TestNamespace,
    readonly database: TestDatabase,
  ) {}

  static async create(): Promise<TestPlatform> {
    const namespace = testNamespace();
    return new TestPlatform(namespace, await createTestDatabase(namespace.token));
  }

  /** The environment an app of this run gets (before per-app overrides). */
  env(overrides: Record<string, string> = {}): Record<string, string> {
    return {
      DATABASE_URL: this.database.url,
      NATS_SUBJECT_PREFIX: this.namespace.subjectPrefix,
      REDIS_KEY_PREFIX: this.namespace.redisKeyPrefix,
      AUTH_HS256_SECRET: TEST_HS256_SECRET,
      ...overrides,
    };
  }

  /** Boots an app; a second call for the same app boots another replica. */
  async start(app: AppName, overrides: Record<string, string> = {}): Promise<AppProcess> {
    const proc = await startApp(app, this.env(overrides));
    if (this.apps.has(app)) this.extras.push(proc);
    else this.apps.set(app, proc);
    return proc;
  }

  async startAll(apps: AppName[], overrides: Partial<Record<AppName, Record<string, string>>> = {}): Promise<void> {
    // Sequential on purpose: the first app to boot applies shared migrations without racing the others.
    for (const app of apps) await this.start(app, overrides[app]);
  }

  app(name: AppName): AppProcess {
    const proc = this.apps.get(name);
    if (!proc) throw new Error(`${name} was not started in this test platform`);
    return proc;
  }

  async stop(): Promise<void> {
    await Promise.all([...this.apps.values(), ...this.extras].map((p) => p.kill()));
    this.apps.clear();
    await this.database.drop();
  }
}

/** Polls `probe` until it returns a truthy value or the time runs out. */
export async function eventually<T>(
  probe: () => Promise<T | undefined | false> | T | undefined | false,
  timeoutMs = 5_000,
  intervalMs = 50,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const value = await probe();
      if (value) return value as T;
    } catch (err) {
      last = err;
    }
    if (Date.now() > deadline) throw new Error(`condition not met within ${timeoutMs} ms${last ? `: ${String(last)}` : ''}`);
    await new Promise((r) => setTimeout(r, intervalMs));
  }
}
