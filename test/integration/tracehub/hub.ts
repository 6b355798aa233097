import { SpanKind, SpanStatusCode, context, trace } from '@opentelemetry/api';
import { BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor, type ReadableSpan } from '@opentelemetry/sdk-trace-base';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { eventually, type AppProcess, type TestPlatform } from '#testing';

export const QUERY_TOKEN = 'integration-query-token-0123456789';

export interface Hub {
  proc: AppProcess;
  otlpUrl: string;
  adminUrl: string;
  apiUrl: string;
  /** GET on the Jaeger API with the operator token (and X-Tenant-ID when given). */
  api(path: string, tenant?: string): Promise<{ status: number; body: any }>;
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
  const api = async (path: string, tenant?: string) => {
    const headers: Record<string, string> = { authorization: `Bearer ${QUERY_TOKEN}` };
    if (tenant) headers['x-tenant-id'] = tenant;
    const res = await fetch(`${proc.url}${path}`, { headers });
    return { status: res.status, body: await res.json() };
  };
  return { proc, otlpUrl, adminUrl: `http://127.0.0.1:${match[2]}`, apiUrl: proc.url, api };
}

/** Waits until /api/traces/{id} holds `count` spans and returns the trace. */
export async function waitForTrace(hub: Hub, traceId: string, count: number, tenant?: string, timeoutMs = 10_000): Promise<any> {
  return eventually(async () => {
    const { status, body } = await hub.api(`/api/traces/${traceId}`, tenant);
    return status === 200 && body.data[0].spans.length >= count ? body.data[0] : undefined;
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
  const child = tracer.startSpan('SELECT things', { kind: SpanKind.CLIENT, attributes: childAttributes }, trace.setSpan(context.active(), root));
  child.end();
  root.end();
  return exporter.getFinishedSpans();
}

export function micros([seconds, nanos]: [number, number]): number {
  return seconds * 1_000_000 + Math.floor(nanos / 1000);
}
