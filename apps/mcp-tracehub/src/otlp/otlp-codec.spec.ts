import { test } from 'node:test';
import assert from 'node:assert/strict';
import { gzipSync } from 'node:zlib';
import { SpanKind, SpanStatusCode, context, trace } from '@opentelemetry/api';
import { BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { JsonTraceSerializer, ProtobufTraceSerializer } from '@opentelemetry/otlp-transformer';
import { ExportTraceServiceResponse, RpcStatus } from './otlp-schema.js';
import { OtlpDecodeError, decodeTraces, encodeExportResponse, encodeStatus, formatOf } from './otlp-codec.js';
import type { NormalizeOptions } from './normalize.js';

const options: NormalizeOptions = {
  acceptStart: () => true,
  isTenantId: (value) => /^[a-z][a-z0-9_]{2,62}$/.test(value),
};

function recordSpans() {
  const exporter = new InMemorySpanExporter();
  const provider = new BasicTracerProvider({
    resource: resourceFromAttributes({ 'service.name': 'svc-a', 'host.name': 'h1' }),
    spanProcessors: [new SimpleSpanProcessor(exporter)],
  });
  const tracer = provider.getTracer('codec-test', '1.2.3');
  const root = tracer.startSpan('GET /things', {
    kind: SpanKind.SERVER,
    attributes: { 'tenant.id': 'acme', 'http.status_code': 500, ratio: 1.5, ok: false, list: ['a', 'b'] },
  });
  root.addEvent('retry', { attempt: 2 });
  root.setStatus({ code: SpanStatusCode.ERROR, message: 'boom' });
  const child = tracer.startSpan('db.query', { kind: SpanKind.CLIENT }, trace.setSpan(context.active(), root));
  child.end();
  root.end();
  return exporter.getFinishedSpans();
}

for (const format of ['protobuf', 'json'] as const) {
  test(`decodes spans serialized by the official ${format} serializer`, () => {
    const spans = recordSpans();
    const serializer = format === 'protobuf' ? ProtobufTraceSerializer : JsonTraceSerializer;
    const body = Buffer.from(serializer.serializeRequest(spans)!);
    const result = decodeTraces(body, format, options);
    assert.equal(result.rejected, 0);
    assert.equal(result.spans.length, 2);
    const original = spans.find((s) => s.name === 'GET /things')!;
    const root = result.spans.find((s) => s.operation === 'GET /things')!;
    const child = result.spans.find((s) => s.operation === 'db.query')!;
    assert.equal(root.traceId, original.spanContext().traceId);
    assert.equal(root.spanId, original.spanContext().spanId);
    assert.equal(root.parentSpanId, null);
    assert.equal(child.parentSpanId, root.spanId);
    assert.equal(child.traceId, root.traceId);
    assert.equal(root.tenantId, 'acme');
    assert.equal(child.tenantId, null);
    assert.equal(root.service, 'svc-a');
    assert.equal(root.kind, 2);
    assert.equal(child.kind, 3);
    assert.equal(root.statusCode, 2);
    assert.equal(root.statusMessage, 'boom');
    assert.deepEqual(root.attributes, {
      'tenant.id': 'acme',
      'http.status_code': 500,
      ratio: 1.5,
      ok: false,
      list: ['a', 'b'],
    });
    assert.equal(root.resource['host.name'], 'h1');
    assert.equal(root.scopeName, 'codec-test');
    assert.equal(root.scopeVersion, '1.2.3');
    const [seconds, nanos] = original.startTime;
    assert.equal(root.startUs, seconds * 1_000_000 + Math.floor(nanos / 1000));
    assert.ok(root.durationUs >= 0);
    assert.equal(root.events.length, 1);
    assert.equal(root.events[0]!.name, 'retry');
    assert.deepEqual(root.events[0]!.attributes, { attempt: 2 });
  });
}

test('keeps nanosecond timestamps exact when converting to microseconds', () => {
  const body = JSON.stringify({
    resourceSpans: [
      {
        scopeSpans: [
          {
            spans: [
              {
                traceId: '0af7651916cd43dd8448eb211c80319c',
                spanId: 'b7ad6b7169203331',
                name: 'x',
                startTimeUnixNano: '1764115200123456999',
                endTimeUnixNano: '1764115200123457999',
                attributes: [{ key: 'big', value: { intValue: '9007199254740993' } }],
              },
            ],
          },
        ],
      },
    ],
  });
  const { spans } = decodeTraces(Buffer.from(body), 'json', options);
  assert.equal(spans[0]!.startUs, 1764115200123456);
  assert.equal(spans[0]!.durationUs, 1);
  assert.equal(spans[0]!.service, 'unknown_service');
  assert.equal(spans[0]!.attributes['big'], '9007199254740993');
});

test('rejects individual spans with bad ids, bad tenant ids or refused start times', () => {
  const span = (overrides: Record<string, unknown>) => ({
    traceId: '0af7651916cd43dd8448eb211c80319c',
    spanId: 'b7ad6b7169203331',
    name: 'x',
    startTimeUnixNano: '1764115200000000000',
    endTimeUnixNano: '1764115201000000000',
    ...overrides,
  });
  const body = JSON.stringify({
    resourceSpans: [
      {
        scopeSpans: [
          {
            spans: [
              span({}),
              span({ traceId: 'zz' }),
              span({ spanId: '' }),
              span({ attributes: [{ key: 'tenant.id', value: { stringValue: 'Robert"); DROP' } }] }),
              span({ startTimeUnixNano: '1000' }),
            ],
          },
        ],
      },
    ],
  });
  const result = decodeTraces(Buffer.from(body), 'json', {
    ...options,
    acceptStart: (us) => us > 1_000_000_000_000_000,
  });
  assert.equal(result.spans.length, 1);
  assert.equal(result.rejected, 4);
  assert.match(result.firstError!, /traceId/);
});

test('undecodable bodies raise OtlpDecodeError', () => {
  assert.throws(() => decodeTraces(Buffer.from('{not json'), 'json', options), OtlpDecodeError);
  assert.throws(() => decodeTraces(Buffer.from('[1,2]'), 'json', options), OtlpDecodeError);
  assert.throws(() => decodeTraces(Buffer.from('{"resourceSpans":5}'), 'json', options), OtlpDecodeError);
  assert.throws(() => decodeTraces(Buffer.from([0x0a, 0xff, 0xff, 0xff]), 'protobuf', options), OtlpDecodeError);
  // gzip bytes are not protobuf: decompression is the transport's job, not the decoder's.
  assert.throws(() => decodeTraces(gzipSync(Buffer.from('hello')), 'protobuf', options), OtlpDecodeError);
});

test('responses encode partial success and google.rpc.Status in both formats', () => {
  const pb = ExportTraceServiceResponse.toObject(
    ExportTraceServiceResponse.decode(encodeExportResponse('protobuf', { rejectedSpans: 3, errorMessage: 'bad' })),
    { longs: Number },
  );
  assert.deepEqual(pb, { partialSuccess: { rejectedSpans: 3, errorMessage: 'bad' } });
  assert.equal(encodeExportResponse('protobuf', null).length, 0);
  assert.deepEqual(JSON.parse(encodeExportResponse('json', null).toString()), {});
  const status = RpcStatus.toObject(RpcStatus.decode(encodeStatus('protobuf', 3, 'nope')));
  assert.deepEqual(status, { code: 3, message: 'nope' });
  assert.equal(formatOf('application/x-protobuf'), 'protobuf');
  assert.equal(formatOf('application/json; charset=utf-8'), 'json');
  assert.equal(formatOf('text/plain'), null);
});

test('converts 64-bit nanosecond values from protobuf exactly', async () => {
  const { nanosToMicros } = await import('./normalize.js');
  for (const ns of [0n, 999n, 1000n, 1_764_115_200_123_456_999n, 4_294_967_295_999n, 9_000_000_000_000_000_000n]) {
    const long = { low: Number(ns & 0xffffffffn) | 0, high: Number(ns >> 32n) | 0 };
    assert.equal(nanosToMicros(long), Number(ns / 1000n), String(ns));
  }
});
