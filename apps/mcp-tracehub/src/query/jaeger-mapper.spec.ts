import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { SpanRecord } from '../otlp/span-record.js';
import { envelope, keyValue, toJaegerTraces } from './jaeger-mapper.js';

function span(overrides: Partial<SpanRecord>): SpanRecord {
  return {
    tenantId: null,
    traceId: 'a'.repeat(32),
    spanId: '1'.repeat(16),
    parentSpanId: null,
    service: 'svc',
    operation: 'op',
    kind: 2,
    startUs: 1000,
    durationUs: 10,
    statusCode: 0,
    statusMessage: null,
    attributes: {},
    resource: { 'service.name': 'svc', 'host.name': 'h1' },
    events: [],
    links: [],
    scopeName: null,
    scopeVersion: null,
    traceState: null,
    flags: 1,
    ...overrides,
  };
}

test('maps OTLP kind, status, links and events the way the Jaeger translator does', () => {
  const [trace] = toJaegerTraces([
    span({
      spanId: '2'.repeat(16),
      parentSpanId: '1'.repeat(16),
      kind: 3,
      statusCode: 2,
      statusMessage: 'boom',
      links: [{ traceId: 'b'.repeat(32), spanId: '3'.repeat(16), attributes: {} }],
      events: [{ timeUs: 1005, name: 'retry', attributes: { n: 2 } }],
      attributes: { list: ['a', 1] },
    }),
  ]);
  const s = trace!.spans[0]!;
  assert.deepEqual(s.references, [
    { refType: 'CHILD_OF', traceID: 'a'.repeat(32), spanID: '1'.repeat(16) },
    { refType: 'FOLLOWS_FROM', traceID: 'b'.repeat(32), spanID: '3'.repeat(16) },
  ]);
  assert.deepEqual(s.tags, [
    { key: 'list', type: 'string', value: '["a",1]' },
    { key: 'span.kind', type: 'string', value: 'client' },
    { key: 'otel.status_code', type: 'string', value: 'ERROR' },
    { key: 'error', type: 'bool', value: true },
    { key: 'otel.status_description', type: 'string', value: 'boom' },
  ]);
  assert.deepEqual(s.logs, [
    {
      timestamp: 1005,
      fields: [
        { key: 'event', type: 'string', value: 'retry' },
        { key: 'n', type: 'int64', value: 2 },
      ],
    },
  ]);
});

test('one process per distinct service and resource, traces newest first', () => {
  const traces = toJaegerTraces([
    span({ spanId: '1'.repeat(16) }),
    span({ spanId: '2'.repeat(16), resource: { 'service.name': 'svc', 'host.name': 'h2' } }),
    span({ spanId: '3'.repeat(16) }),
    span({ traceId: 'c'.repeat(32), startUs: 5000 }),
  ]);
  assert.deepEqual(
    traces.map((t) => t.traceID),
    ['c'.repeat(32), 'a'.repeat(32)],
  );
  const a = traces[1]!;
  assert.deepEqual(Object.keys(a.processes), ['p1', 'p2']);
  assert.deepEqual(a.processes['p1'], { serviceName: 'svc', tags: [{ key: 'host.name', type: 'string', value: 'h1' }] });
  assert.deepEqual(
    a.spans.map((s) => s.processID),
    ['p1', 'p2', 'p1'],
  );
});

test('value types and the response envelope', () => {
  assert.deepEqual(keyValue('i', 3), { key: 'i', type: 'int64', value: 3 });
  assert.deepEqual(keyValue('f', 0.5), { key: 'f', type: 'float64', value: 0.5 });
  assert.deepEqual(keyValue('b', true), { key: 'b', type: 'bool', value: true });
  assert.deepEqual(envelope(['x', 'y']), { data: ['x', 'y'], total: 2, limit: 0, offset: 0, errors: null });
});
