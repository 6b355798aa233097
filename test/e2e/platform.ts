import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { mintDevToken } from '#auth';
import type { AppName, RpcReply } from '#contracts';
import { eventually, NatsTestClient, startApp, TestPlatform, type AppProcess } from '#testing';
import { startCounter, startInferenceBackend, type Upstream } from '../support/upstreams.js';

export const ISSUER = 'https://idp.e2e.test';
export const AUDIENCE = 'mcp-platform';
export const HS_SECRET = 'e2e-hs256-secret-0123456789abcdef-xyz';
export const QUERY_TOKEN = 'e2e-tracehub-query-token-0123456789';

/** Apps in the order `npm start` boots them (scripts/start.ts): config and policy answer the others. */
// The machine is shared and OpenTelemetry's auto-instrumentation is slow to load: boots take longer than #testing's default.
const BOOT_TIMEOUT_MS = 120_000;

export const BOOT_ORDER: AppName[] = ['mcp-config', 'mcp-policy-proxy', 'mcp-tracehub', 'mcp-orchestrator-api', 'mcp-gateway'];

export async function freePort(): Promise<number> {
  return new Promise((res, rej) => {
    const s = createServer();
    s.once('error', rej);
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => res(port));
    });
  });
}

/** The pools `npm start` uses (scenarios/local.yaml), served by this run's backend instead of the fixed port 8090. */
function localPools(backendUrl: string): string {
  const root = resolve(import.meta.dirname, '../../..');
  const local = readFileSync(join(root, 'apps/mcp-orchestrator-api/src/scheduler/scenarios/local.yaml'), 'utf8');
  const file = join(mkdtempSync(join(tmpdir(), 'e2e-pools-')), 'pools.yaml');
  writeFileSync(file, local.replaceAll('http://127.0.0.1:8090/v1', backendUrl));
  return file;
}

export function token(sub: string, tenants: string[], roles: string[], ttlSec = 900): string {
  return mintDevToken({ secret: HS_SECRET, issuer: ISSUER, audience: AUDIENCE, subject: sub, tenants, roles, ttlSec });
}

export function bearer(jwt: string, tenant?: string, extra: Record<string, string> = {}): Record<string, string> {
  return { authorization: `Bearer ${jwt}`, ...(tenant ? { 'x-tenant-id': tenant } : {}), ...extra };
}

/** The part of a Jaeger API trace the suites read. */
export interface JaegerTrace {
  traceID: string;
  spans: Array<{ traceID: string; spanID: string; operationName: string }>;
  processes: Record<string, { serviceName: string }>;
}

export interface ErrorBody {
  error: { code: string; message: string; details?: Record<string, unknown> };
  requestId?: string;
}

export interface BootOptions {
  /** Extra env per app (on top of what the whole platform gets). */
  env?: Partial<Record<AppName, Record<string, string>>>;
  /** Export spans to tracehub (costs CPU; the e2e journey needs it, fuzzing does not). */
  tracing?: boolean;
  /** Skip the test upstreams (counter MCP server, inference backend). */
  upstreams?: boolean;
  /** Env for every app from the run's database URL: how the chaos suite routes dependencies through proxies. */
  dependencies?: (databaseUrl: string) => Record<string, string>;
}

/**
 * The whole platform as `npm start` runs it — five apps through their real entry points, on the real
 * Postgres, Redis and NATS — isolated by #testing's per-run database and prefixes, plus the test
 * inference backend and an upstream MCP server. `operator` is the admin plane over NATS, used only
 * for what the gateway does not expose (each such use is listed as a gap in the e2e suite).
 */
export class E2EPlatform {
  private constructor(
    readonly platform: TestPlatform,
    readonly operator: NatsTestClient,
    readonly counter: Upstream | undefined,
    readonly backend: Upstream | undefined,
    readonly otlpPort: number,
    private readonly envs: Map<AppName, Record<string, string>>,
    /** Every process booted, in boot order; the latest of an app is the one `app()` returns. */
    readonly procs: AppProcess[],
  ) {}

  static async boot(options: BootOptions = {}): Promise<E2EPlatform> {
    const withUpstreams = options.upstreams ?? true;
    const [counter, backend] = withUpstreams
      ? await Promise.all([startCounter(), startInferenceBackend('e2e-backend')])
      : [undefined, undefined];
    const platform = await TestPlatform.create();
    const otlpPort = await freePort();
    const common: Record<string, string> = options.tracing
      ? { OTEL_SDK_DISABLED: 'false', OTEL_EXPORTER_OTLP_ENDPOINT: `http://127.0.0.1:${otlpPort}` }
      : {};
    const perApp: Record<AppName, Record<string, string>> = {
      'mcp-config': {},
      'mcp-policy-proxy': {},
      'mcp-tracehub': { OTLP_PORT: String(otlpPort), ADMIN_PORT: '0', TRACEHUB_QUERY_TOKEN: QUERY_TOKEN, TRACEHUB_BATCH_LINGER_MS: '10' },
      'mcp-orchestrator-api': backend ? { INFERENCE_DEFAULT_BACKEND_URL: backend.url, SCHEDULER_POOLS_FILE: localPools(backend.url) } : {},
      'mcp-gateway': { AUTH_ISSUER: ISSUER, AUTH_AUDIENCE: AUDIENCE, AUTH_HS256_SECRET: HS_SECRET, AUTH_CLOCK_SKEW_SEC: '5' },
    };
    const envs = new Map<AppName, Record<string, string>>();
    const procs: AppProcess[] = [];
    try {
      for (const app of BOOT_ORDER) {
        envs.set(app, { ...common, ...options.dependencies?.(platform.database.url), ...perApp[app], ...options.env?.[app] });
        procs.push(await startApp(app, platform.env(envs.get(app)), { timeoutMs: BOOT_TIMEOUT_MS }));
      }
    } catch (err) {
      await Promise.all(procs.map((p) => p.kill()));
      await platform.stop().catch(() => undefined);
      await counter?.stop();
      await backend?.stop();
      throw err;
    }
    const operator = await NatsTestClient.connect(platform.namespace.subjectPrefix);
    return new E2EPlatform(platform, operator, counter, backend, otlpPort, envs, procs);
  }

  /** Boots another process of an app with the environment it was first booted with. */
  async restart(app: AppName, overrides: Record<string, string> = {}): Promise<AppProcess> {
    const proc = await startApp(app, this.platform.env({ ...this.envs.get(app), ...overrides }), { timeoutMs: BOOT_TIMEOUT_MS });
    this.procs.push(proc);
    return proc;
  }

  app(name: AppName): AppProcess {
    const proc = this.procs.findLast((p) => p.app === name);
    if (!proc) throw new Error(`${name} was not started`);
    return proc;
  }

  get gateway(): AppProcess {
    return this.app('mcp-gateway');
  }

  url(path: string): string {
    return `${this.gateway.url}${path}`;
  }

  async stop(): Promise<void> {
    await this.operator.close().catch(() => undefined);
    await Promise.all(this.procs.map((p) => p.kill()));
    await this.platform.stop();
    await this.counter?.stop();
    await this.backend?.stop();
  }

  /** An admin-plane NATS request that must succeed. */
  async admin<T>(subject: string, payload: unknown, timeoutMs = 15_000): Promise<T> {
    const reply: RpcReply<unknown> = await this.operator.request(subject, payload, timeoutMs);
    if ('error' in reply) throw new Error(`${subject}: ${JSON.stringify(reply.error)}`);
    return reply.data as T;
  }

  async onboard(tenantId: string, features: string[] = [], requestsPerMinute = 100_000): Promise<void> {
    await this.admin('config.tenant.onboard', {
      tenantId,
      name: `Tenant ${tenantId}`,
      features,
      limits: { requests_per_minute: requestsPerMinute, concurrent_contexts: 10 },
      actor: 'e2e-operator',
    });
  }

  /** Jaeger query API of tracehub with the operator credential. */
  async traceApi(path: string, tenant?: string): Promise<{ status: number; body: { data?: JaegerTrace[] } }> {
    const headers: Record<string, string> = { authorization: `Bearer ${QUERY_TOKEN}` };
    if (tenant) headers['x-tenant-id'] = tenant;
    const res = await fetch(`${this.app('mcp-tracehub').url}${path}`, { headers });
    return { status: res.status, body: (await res.json()) as { data?: JaegerTrace[] } };
  }

  async waitForTrace(traceId: string, services: string[], timeoutMs = 20_000): Promise<JaegerTrace> {
    return eventually(
      async () => {
        const { status, body } = await this.traceApi(`/api/traces/${traceId}`);
        if (status !== 200) return undefined;
        const trace = body.data?.[0];
        const seen = new Set(Object.values(trace?.processes ?? {}).map((p) => p.serviceName));
        return services.every((s) => seen.has(s)) ? trace : undefined;
      },
      timeoutMs,
      250,
    );
  }
}
