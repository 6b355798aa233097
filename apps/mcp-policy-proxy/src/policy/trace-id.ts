import { trace } from '@opentelemetry/api';

const TRACEPARENT = /^[0-9a-f]{2}-([0-9a-f]{32})-[0-9a-f]{16}-[0-9a-f]{2}$/;
const INVALID = '00000000000000000000000000000000';

/**
 * The trace a decision belongs to: the active span's when tracing runs, otherwise the caller's
 * W3C traceparent (so the decision log links to the trace even with the SDK off).
 */
export function traceIdOf(traceparent: string | undefined): string | null {
  const active = trace.getActiveSpan()?.spanContext().traceId;
  if (active && active !== INVALID) return active;
  const id = traceparent ? TRACEPARENT.exec(traceparent)?.[1] : undefined;
  return id && id !== INVALID ? id : null;
}
