import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { gzipSync } from 'node:zlib';
import { OTLPTraceExporter as JsonExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { OTLPTraceExporter as ProtoExporter } from '@opentelemetry/exporter-trace-otlp-proto';
import type { ReadableSpan } from '@opentelemetry/sdk-trace-base';
import type { JaegerTrace, RedSummary } from '#contracts';
import { TestPlatform } from '#testing';
import { type Hub, micros, recordTrace, startHub, waitForTrace } from './hub.js';

let platform: TestPlatform;
let hub: Hub;

before(async () => {
  platform = await TestPlatform.create();
  hub = await startHub(platform, { OTLP_BODY_LIMIT: String(64 * 1024) });
});
after(async () => {
  await platform?.stop();
});

async function exportWith(exporter: JsonExporter | ProtoExporter, spans: ReadableSpan[]): Promise<void> {
  const result = await new Promise<{ code: number; error?: Error }>((resolve) => exporter.export(spans, resolve));
  await exporter.shutdown();
  // ExportResultCode.SUCCESS
  assert.equal(result.code, 0, String(result.error));
}

async function storedSpans(): Promise<number> {
  const rows = await platform.database.query<{ n: string }>('SELECT count(*) AS n FROM tracehub.spans');
  return Number(rows.rows[0]!.n);
}

const exporters = {
  'exporter-trace-otlp-http (JSON)': () => new JsonExporter({ url: `${hub.otlpUrl}/v1/traces` }),
  'exporter-trace-otlp-proto (protobuf)': () => new ProtoExporter({ url: `${hub.otlpUrl}/v1/traces` }),
  'exporter-trace-otlp-proto (protobuf, gzip)': () =>
    new ProtoExporter({ url: `${hub.otlpUrl}/v1/traces`, compression: 'gzip' } as ConstructorParameters<typeof ProtoExporter>[0]),
};

for (const [name, create] of Object.entries(exporters)) {
  test(`spans sent by ${name} come back intact from /api/traces/{id}`, async () => {
    const spans = recordTrace('checkout', 'acme');
    await exportWith(create(), spans);
    const root = spans.find((s) => s.name === 'GET /things')!;
    const child = spans.find((s) => s.name === 'SELECT things')!;
    const traceId = root.spanContext().traceId;
    const trace = await waitForTrace(hub, traceId, 2);
    assert.equal(trace.traceID, traceId);
    const jroot = trace.spans.find((s) => s.spanID === root.spanContext().spanId)!;
    const jchild = trace.spans.find((s) => s.spanID === child.spanContext().spanId)!;
    assert.equal(jroot.operationName, 'GET /things');
    assert.deepEqual(jroot.references, []);
    assert.deepEqual(jchild.references, [{ refType: 'CHILD_OF', traceID: traceId, spanID: root.spanContext().spanId }]);
    assert.equal(jroot.startTime, micros(root.startTime));
    assert.equal(jroot.duration, micros(root.endTime) - micros(root.startTime));
    const tags = Object.fromEntries(jroot.tags.map((t) => [t.key, [t.type, t.value]]));
    assert.deepEqual(tags['http.status_code'], ['int64', 503]);
    assert.deepEqual(tags['retry.ratio'], ['float64', 0.25]);
    assert.deepEqual(tags['cached'], ['bool', false]);
    assert.deepEqual(tags['tenant.id'], ['string', 'acme']);
    assert.deepEqual(tags['span.kind'], ['string', 'server']);
    assert.deepEqual(tags['error'], ['bool', true]);
    assert.deepEqual(tags['otel.status_description'], ['string', 'upstream down']);
    assert.deepEqual(tags['otel.scope.name'], ['string', 'integration']);
    assert.equal(jroot.logs.length, 1);
    assert.equal(jroot.logs[0]!.timestamp, micros(root.events[0]!.time));
    assert.deepEqual(jroot.logs[0]!.fields, [
      { key: 'event', type: 'string', value: 'cache miss' },
      { key: 'key', type: 'string', value: 'k1' },
    ]);
    const process = trace.processes[jroot.processID]!;
    assert.equal(process.serviceName, 'checkout');
    assert.ok(process.tags.some((t) => t.key === 'deployment.environment' && t.value === 'test'));
  });
}

test('services, operations and search find the stored traces', async () => {
  const spans = recordTrace('billing', null, 'POST /invoices');
  await exportWith(new ProtoExporter({ url: `${hub.otlpUrl}/v1/traces` }), spans);
  const traceId = spans[0]!.spanContext().traceId;
  await waitForTrace(hub, traceId, 2);
  const services = await hub.api<string[]>('/api/services');
  assert.equal(services.status, 200);
  assert.ok(services.body.data.includes('billing') && services.body.data.includes('checkout'));
  assert.equal(services.body.total, services.body.data.length);
  const operations = await hub.api<string[]>('/api/services/billing/operations');
  assert.deepEqual(operations.body.data.sort(), ['POST /invoices', 'SELECT things']);
  const typed = await hub.api('/api/operations?service=billing&spanKind=server');
  assert.deepEqual(typed.body.data, [{ name: 'POST /invoices', spanKind: 'server' }]);
  const found = await hub.api<JaegerTrace[]>(
    `/api/traces?service=billing&operation=${encodeURIComponent('POST /invoices')}&limit=5&tags=${encodeURIComponent('{"http.status_code":"503"}')}`,
  );
  assert.equal(found.status, 200);
  assert.deepEqual(
    found.body.data.map((t) => t.traceID),
    [traceId],
  );
  assert.equal(found.body.data[0]!.spans.length, 2, 'search returns whole traces');
  const none = await hub.api(`/api/traces?service=billing&minDuration=1h`);
  assert.deepEqual(none.body.data, []);
  const bad = await hub.api(`/api/traces?service=billing&minDuration=soon`);
  assert.equal(bad.status, 400);
  assert.equal(bad.body.error?.code, 'VALIDATION_FAILED');
  assert.equal(bad.body.errors?.[0]?.code, 400);
  const missing = await hub.api(`/api/traces/${'ab'.repeat(16)}`);
  assert.equal(missing.status, 404);
  assert.equal(missing.body.errors?.[0]?.msg, 'trace not found');
});

test('malformed, oversized and mistyped bodies get their statuses and store nothing', async () => {
  const before = await storedSpans();
  const post = (body: Buffer | string, headers: Record<string, string>) =>
    fetch(`${hub.otlpUrl}/v1/traces`, { method: 'POST', body, headers });
  const garbage = await post(Buffer.from([0x0a, 0xff, 0xff, 0xff, 0x0f]), { 'content-type': 'application/x-protobuf' });
  assert.equal(garbage.status, 400);
  assert.equal(garbage.headers.get('content-type'), 'application/x-protobuf');
  const badJson = await post('{"resourceSpans": [', { 'content-type': 'application/json' });
  assert.equal(badJson.status, 400);
  assert.equal(((await badJson.json()) as { code: number }).code, 3);
  const wrongShape = await post('{"resourceSpans": 7}', { 'content-type': 'application/json' });
  assert.equal(wrongShape.status, 400);
  const notGzip = await post('plain', { 'content-type': 'application/json', 'content-encoding': 'gzip' });
  assert.equal(notGzip.status, 400);
  const big = JSON.stringify({ resourceSpans: [], pad: 'x'.repeat(70 * 1024) });
  assert.equal((await post(big, { 'content-type': 'application/json' })).status, 413);
  // Small on the wire, over the limit once inflated.
  const bomb = gzipSync(Buffer.from(big));
  assert.ok(bomb.length < 64 * 1024);
  assert.equal((await post(bomb, { 'content-type': 'application/json', 'content-encoding': 'gzip' })).status, 413);
  assert.equal((await post('x', { 'content-type': 'text/plain' })).status, 415);
  await new Promise((r) => setTimeout(r, 200));
  assert.equal(await storedSpans(), before);
});

test('invalid spans are rejected with partial success while the valid ones are stored', async () => {
  const now = BigInt(Date.now()) * 1_000_000n;
  const span = (spanId: string, tenant: string) => ({
    traceId: 'c0ffee00c0ffee00c0ffee00c0ffee01',
    spanId,
    name: 'partial',
    startTimeUnixNano: String(now),
    endTimeUnixNano: String(now + 1_000_000n),
    attributes: [{ key: 'tenant.id', value: { stringValue: tenant } }],
  });
  const body = {
    resourceSpans: [{ scopeSpans: [{ spans: [span('00000000000000a1', 'acme'), span('00000000000000a2', 'Not A Tenant!')] }] }],
  };
  const res = await fetch(`${hub.otlpUrl}/v1/traces`, {
    method: 'POST',
    body: JSON.stringify(body),
    headers: { 'content-type': 'application/json' },
  });
  assert.equal(res.status, 200);
  const reply = (await res.json()) as { partialSuccess: { rejectedSpans: string; errorMessage: string } };
  assert.equal(reply.partialSuccess.rejectedSpans, '1');
  assert.match(reply.partialSuccess.errorMessage, /tenant\.id/);
  const trace = await waitForTrace(hub, 'c0ffee00c0ffee00c0ffee00c0ffee01', 1);
  assert.deepEqual(
    trace.spans.map((s) => s.spanID),
    ['00000000000000a1'],
  );
});

test('the admin port serves the hub health and RED metrics', async () => {
  const ready = await fetch(`${hub.adminUrl}/health/ready`);
  assert.equal(ready.status, 200);
  const metrics = await (await fetch(`${hub.adminUrl}/metrics`)).text();
  assert.match(
    metrics,
    /tracehub_span_calls_total\{service="checkout",operation="GET \/things",span_kind="server",status_code="ERROR"\} [1-9]/,
  );
  assert.match(metrics, /tracehub_span_duration_seconds_bucket\{le="[^"]+",service="checkout"/);
  assert.match(metrics, /tracehub_spans_stored_total [1-9]/);
  const red = await hub.api<RedSummary[]>('/api/metrics/red?service=checkout&groupByOperation=true');
  const root = red.body.data.find((r) => r.operation === 'GET /things')!;
  assert.equal(root.errors, root.rate * 3600);
  assert.equal(root.errorRate, 1);
  assert.ok(root.p99Ms! >= root.p50Ms!);
  const spm = await hub.api<never>('/api/metrics/errors?service=checkout&groupByOperation=true&step=60000&lookback=3600000');
  assert.equal(spm.status, 200);
  // The metrics API answers a metric family, not the usual envelope.
  const family = spm.body as unknown as {
    name: string;
    metrics: Array<{ labels: Array<{ name: string; value: string }>; metricPoints: Array<{ gaugeValue: { doubleValue: number } }> }>;
  };
  assert.equal(family.name, 'service_operation_error_rate');
  assert.ok(
    family.metrics.some(
      (m) => m.labels.some((l) => l.value === 'GET /things') && m.metricPoints.some((p) => p.gaugeValue.doubleValue === 1),
    ),
  );
});
