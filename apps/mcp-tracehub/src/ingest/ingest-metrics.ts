import { Counter, Gauge, Histogram, register } from 'prom-client';
import { SPAN_KIND_NAMES, type SpanRecord } from '../otlp/span-record.js';
import type { SpanQueueObserver } from './span-queue.js';

function metric<T>(name: string, create: () => T): T {
  return (register.getSingleMetric(name) as T | undefined) ?? create();
}

/** The hub's own health as a collector. */
export const spansReceived = metric(
  'tracehub_spans_received_total',
  () =>
    new Counter({
      name: 'tracehub_spans_received_total',
      help: 'Spans received over OTLP by outcome: accepted, rejected (invalid span), refused (queue full or shutting down)',
      labelNames: ['outcome'] as const,
    }),
);
export const spansStored = metric(
  'tracehub_spans_stored_total',
  () => new Counter({ name: 'tracehub_spans_stored_total', help: 'Spans committed to Postgres' }),
);
export const batchWriteSeconds = metric(
  'tracehub_batch_write_seconds',
  () =>
    new Histogram({
      name: 'tracehub_batch_write_seconds',
      help: 'Time to commit one batch of spans',
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
    }),
);
export const writeFailures = metric(
  'tracehub_batch_write_failures_total',
  () => new Counter({ name: 'tracehub_batch_write_failures_total', help: 'Batch writes that failed and were queued for retry' }),
);
let depthOf: () => number = () => 0;
/** Names the queue whose depth tracehub_queue_spans reports at each scrape. */
export function reportQueueDepth(depth: () => number): void {
  depthOf = depth;
}
metric(
  'tracehub_queue_spans',
  () =>
    new Gauge({
      name: 'tracehub_queue_spans',
      help: 'Spans accepted and not yet committed',
      collect() {
        this.set(depthOf());
      },
    }),
);

// RED metrics derived from the spans themselves (like the Collector's spanmetrics connector), so
// Prometheus and Grafana can alert on rate, errors and duration per service and operation.
const spanCalls = metric(
  'tracehub_span_calls_total',
  () =>
    new Counter({
      name: 'tracehub_span_calls_total',
      help: 'Spans ingested per service, operation, span kind and status (OK/ERROR/UNSET)',
      labelNames: ['service', 'operation', 'span_kind', 'status_code'] as const,
    }),
);
const spanDuration = metric(
  'tracehub_span_duration_seconds',
  () =>
    new Histogram({
      name: 'tracehub_span_duration_seconds',
      help: 'Span duration per service, operation and span kind',
      labelNames: ['service', 'operation', 'span_kind'] as const,
      buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    }),
);

const STATUS = ['UNSET', 'OK', 'ERROR'] as const;
/** Operation names are producer-controlled; past this many series new ones fold into one label. */
const MAX_OPERATION_SERIES = 2_000;
const OTHER = '__other__';

export class RedRecorder {
  private readonly children = new Map<
    string,
    { calls: ReturnType<typeof spanCalls.labels>; duration: ReturnType<typeof spanDuration.labels> }
  >();

  record(spans: SpanRecord[]): void {
    // Counts are added once per series and batch; label hashing per span was most of this cost.
    const calls = new Map<ReturnType<typeof spanCalls.labels>, number>();
    for (const span of spans) {
      const child = this.child(span);
      calls.set(child.calls, (calls.get(child.calls) ?? 0) + 1);
      child.duration.observe(span.durationUs / 1_000_000);
    }
    for (const [counter, n] of calls) counter.inc(n);
  }

  private child(span: SpanRecord) {
    const kind = SPAN_KIND_NAMES[span.kind] ?? 'unspecified';
    const status = STATUS[span.statusCode] ?? 'UNSET';
    let key = `${span.service}\u0000${span.operation}\u0000${kind}\u0000${status}`;
    let child = this.children.get(key);
    if (!child) {
      const operation = this.children.size < MAX_OPERATION_SERIES ? span.operation : OTHER;
      key = `${span.service}\u0000${operation}\u0000${kind}\u0000${status}`;
      child = this.children.get(key) ?? {
        calls: spanCalls.labels(span.service, operation, kind, status),
        duration: spanDuration.labels(span.service, operation, kind),
      };
      this.children.set(key, child);
    }
    return child;
  }
}

export const queueObserver = (log: (entry: Record<string, unknown>) => void): SpanQueueObserver => ({
  written(count, seconds) {
    spansStored.inc(count);
    batchWriteSeconds.observe(seconds);
  },
  failed(error, retryInMs) {
    writeFailures.inc();
    log({ msg: 'span batch write failed; will retry', retryInMs, err: error instanceof Error ? error.message : String(error) });
  },
});
