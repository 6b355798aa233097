import type { JaegerKeyValue, JaegerProcess, JaegerSpan, JaegerTrace } from '#contracts';
import { type AttributeValue, type Attributes, type SpanRecord, SERVICE_ATTRIBUTE, SPAN_KIND_NAMES } from '../otlp/span-record.js';

// OTLP → Jaeger model, following the conventions of the OpenTelemetry Collector's Jaeger translator so
// the UI shows what it shows for any OTLP source: kind as `span.kind`, status as `otel.status_code`
// (+ `error=true`), scope as `otel.scope.*`, events as logs with an `event` field, links as FOLLOWS_FROM.

export function keyValue(key: string, value: AttributeValue): JaegerKeyValue {
  if (typeof value === 'string') return { key, type: 'string', value };
  if (typeof value === 'boolean') return { key, type: 'bool', value };
  if (typeof value === 'number') return { key, type: Number.isInteger(value) ? 'int64' : 'float64', value };
  return { key, type: 'string', value: JSON.stringify(value) };
}

function keyValues(attributes: Attributes, skip?: string): JaegerKeyValue[] {
  const out: JaegerKeyValue[] = [];
  for (const [key, value] of Object.entries(attributes)) if (key !== skip) out.push(keyValue(key, value));
  return out;
}

function spanTags(span: SpanRecord): JaegerKeyValue[] {
  const tags = keyValues(span.attributes);
  if (span.scopeName) tags.push({ key: 'otel.scope.name', type: 'string', value: span.scopeName });
  if (span.scopeVersion) tags.push({ key: 'otel.scope.version', type: 'string', value: span.scopeVersion });
  if (span.kind > 0) tags.push({ key: 'span.kind', type: 'string', value: SPAN_KIND_NAMES[span.kind] ?? 'unspecified' });
  if (span.statusCode === 1) tags.push({ key: 'otel.status_code', type: 'string', value: 'OK' });
  if (span.statusCode === 2) {
    tags.push({ key: 'otel.status_code', type: 'string', value: 'ERROR' });
    tags.push({ key: 'error', type: 'bool', value: true });
  }
  if (span.statusMessage) tags.push({ key: 'otel.status_description', type: 'string', value: span.statusMessage });
  if (span.traceState) tags.push({ key: 'w3c.tracestate', type: 'string', value: span.traceState });
  return tags;
}

function toJaegerSpan(span: SpanRecord, processID: string): JaegerSpan {
  const references: JaegerSpan['references'] = [];
  if (span.parentSpanId) references.push({ refType: 'CHILD_OF', traceID: span.traceId, spanID: span.parentSpanId });
  for (const link of span.links) references.push({ refType: 'FOLLOWS_FROM', traceID: link.traceId, spanID: link.spanId });
  return {
    traceID: span.traceId,
    spanID: span.spanId,
    operationName: span.operation,
    references,
    startTime: span.startUs,
    duration: span.durationUs,
    tags: spanTags(span),
    logs: span.events.map((event) => ({
      timestamp: event.timeUs,
      fields: [{ key: 'event', type: 'string', value: event.name }, ...keyValues(event.attributes)],
    })),
    processID,
    warnings: null,
    flags: span.flags & 0xff,
  };
}

/** Groups spans (of any number of traces) into Jaeger traces, newest trace first. */
export function toJaegerTraces(spans: SpanRecord[]): JaegerTrace[] {
  const traces = new Map<string, { trace: JaegerTrace; processKeys: Map<string, string>; newest: number }>();
  for (const span of spans) {
    let entry = traces.get(span.traceId);
    if (!entry) {
      entry = { trace: { traceID: span.traceId, spans: [], processes: {}, warnings: null }, processKeys: new Map(), newest: 0 };
      traces.set(span.traceId, entry);
    }
    const processKey = `${span.service}\u0000${JSON.stringify(span.resource)}`;
    let processID = entry.processKeys.get(processKey);
    if (!processID) {
      processID = `p${entry.processKeys.size + 1}`;
      entry.processKeys.set(processKey, processID);
      const process: JaegerProcess = { serviceName: span.service, tags: keyValues(span.resource, SERVICE_ATTRIBUTE) };
      entry.trace.processes[processID] = process;
    }
    entry.trace.spans.push(toJaegerSpan(span, processID));
    entry.newest = Math.max(entry.newest, span.startUs);
  }
  return [...traces.values()].sort((a, b) => b.newest - a.newest).map((e) => e.trace);
}

/** The envelope every Jaeger query API response has. */
export interface JaegerEnvelope<T> {
  data: T;
  total: number;
  limit: number;
  offset: number;
  errors: Array<{ code: number; msg: string }> | null;
}

export function envelope<T>(data: T): JaegerEnvelope<T> {
  return { data, total: Array.isArray(data) ? data.length : 0, limit: 0, offset: 0, errors: null };
}
