import { SpanKind, SpanStatusCode, context, trace } from '@opentelemetry/api';
import { BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor, type ReadableSpan } from '@opentelemetry/sdk-trace-base';
import { resourceFromAttributes } from '@opentelemetry/resources';
import type { JaegerTrace } from '#contracts';
import { eventually, type AppProcess, type TestPlatform } from '#testing';

/** A Jaeger API response: the envelope, plus the platform's typed error on failures. */
export interface ApiBody<T> {
  data: T;
  total: number;
  errors: Array<{ code: number; msg: string }> | null;
  error?: { code: string; message: string };
}

/** A NATS reply as the tests read it. */
export interface Reply<T> {
  data?: T;
  error?: { code: string; message: string };
}

export function serviceNames(trace: JaegerTrace): Set<string> {
  return new Set(Object.values(trace.processes).map((p) => p.serviceName));
}

export const QUERY_TOKEN = 'integration-query-token-0123456789';

export interface Hub {
  proc: AppProcess;
  otlpUrl: string;
  adminUrl: string;
  apiUrl: string;
  /** GET on the Jaeger API with the operator token (and X-Tenant-ID when given). */
  api<T = unknown>(path: string, tenant?: string): Promise<{ status: number; body: ApiBody<T> }>;
}

/** Boots mcp-tracehub on ports chosen by the OS and finds its OTLP and admin ports in its log. */
export async function startHub(platform: TestPlatform, overrides: Record<string, string> = {}): Promise<Hub> {
  const proc = await platform.start('mcp-tracehub', {
    OTLP_PORT: '0',
    ADMIN_PORT: '0',
    TRACEHUB_QUERY_TOKEN: QUERY_TOKEN,
    TRACEHUB_BATCH_LINGER_MS: '10',
    ...overrides,
  });
  const match = /"otlpPort":(\d+),"adminPort":(\d+)/.exec(proc.output());
  if (!match) throw new Error(`tracehub did not log its listeners:\n${proc.output().slice(-2000)}`);
  const otlpUrl = `http://127.0.0.1:${match[1]}`;
  const api = async <T>(path: string, tenant?: string) => {
    const headers: Record<string, string> = { authorization: `Bearer ${QUERY_TOKEN}` };
    if (tenant) headers['x-tenant-id'] = tenant;
    const res = await fetch(`${proc.url}${path}`, { headers });
    return { status: res.status, body: (await res.json()) as ApiBody<T> };
  };
  return { proc, otlpUrl, adminUrl: `http://127.0.0.1:${match[2]}`, apiUrl: proc.url, api };
}

/** Waits until /api/traces/{id} holds `count` spans and returns the trace. */
export async function waitForTrace(hub: Hub, traceId: string, count: number, tenant?: string, timeoutMs = 10_000): Promise<JaegerTrace> {
  return eventually(async () => {
    const { status, body } = await hub.api<JaegerTrace[]>(`/api/traces/${traceId}`, tenant);
    return status === 200 && body.data[0]!.spans.length >= count ? body.data[0] : undefined;
  }, timeoutMs);
}

/** Records a small two-span trace (server root with attributes, event and error status; client child). */
export function recordTrace(service: string, tenant: string | null, name = 'GET /things'): ReadableSpan[] {
  const exporter = new InMemorySpanExporter();
  const provider = new BasicTracerProvider({
    resource: resourceFromAttributes({ 'service.name': service, 'deployment.environment': 'test' }),
    spanProcessors: [new SimpleSpanProcessor(exporter)],
  });
  const tracer = provider.getTracer('integration', '0.0.1');
  const attributes: Record<string, string | number | boolean> = { 'http.status_code': 503, 'retry.ratio': 0.25, cached: false };
  if (tenant) attributes['tenant.id'] = tenant;
  const root = tracer.startSpan(name, { kind: SpanKind.SERVER, attributes });
  root.addEvent('cache miss', { key: 'k1' });
  root.setStatus({ code: SpanStatusCode.ERROR, message: 'upstream down' });
  const childAttributes: Record<string, string> = { 'db.system': 'postgresql' };
  if (tenant) childAttributes['tenant.id'] = tenant;
  const child = tracer.startSpan(
    'SELECT things',
    { kind: SpanKind.CLIENT, attributes: childAttributes },
    trace.setSpan(context.active(), root),
  );
  child.end();
  root.end();
  return exporter.getFinishedSpans();
}

export function micros([seconds, nanos]: [number, number]): number {
  return seconds * 1_000_000 + Math.floor(nanos / 1000);
}
