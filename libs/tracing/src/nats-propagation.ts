import { context, propagation, SpanKind, SpanStatusCode, trace, type Context, type Span } from '@opentelemetry/api';

/** The part of a NATS header map the propagator needs (nats `MsgHdrs` satisfies it). */
export interface HeaderCarrier {
  get(key: string): string;
  set(key: string, value: string): void;
  has(key: string): boolean;
}

const setter = { set: (carrier: HeaderCarrier, key: string, value: string) => carrier.set(key, value) };
const getter = {
  get: (carrier: HeaderCarrier | undefined, key: string) => (carrier?.has(key) ? carrier.get(key) : undefined),
  keys: () => ['traceparent', 'tracestate', 'baggage'],
};

/** Writes the active W3C trace context (traceparent, tracestate) into outgoing NATS headers. */
export function injectTraceContext(headers: HeaderCarrier, ctx: Context = context.active()): void {
  propagation.inject(ctx, headers, setter);
}

export function extractTraceContext(headers: HeaderCarrier | undefined): Context {
  return propagation.extract(context.active(), headers, getter);
}

// Looked up per call, not once at import: this module is imported before the SDK starts (and before
// the instrumentation hook, so possibly through another instance of the API module), and a tracer taken
// then stays a no-op forever, which silently dropped every NATS span.
const tracer = () => trace.getTracer('mcp-messaging');

/** Runs `fn` in a span that continues the trace carried by incoming NATS headers. */
export async function inConsumerSpan<T>(subject: string, headers: HeaderCarrier | undefined, fn: (span: Span) => Promise<T>): Promise<T> {
  const parent = extractTraceContext(headers);
  return tracer().startActiveSpan(
    `${subject} process`,
    {
      kind: SpanKind.SERVER,
      attributes: { 'messaging.system': 'nats', 'messaging.destination.name': subject, 'messaging.operation.type': 'process' },
    },
    parent,
    async (span) => {
      try {
        return await fn(span);
      } catch (err) {
        span.setStatus({ code: SpanStatusCode.ERROR, message: err instanceof Error ? err.message : String(err) });
        throw err;
      } finally {
        span.end();
      }
    },
  );
}

/** Runs `fn` in a client span for an outgoing request; `fn` receives the context to inject. */
export async function inProducerSpan<T>(subject: string, fn: (ctx: Context, span: Span) => Promise<T>): Promise<T> {
  return tracer().startActiveSpan(
    `${subject} send`,
    {
      kind: SpanKind.CLIENT,
      attributes: { 'messaging.system': 'nats', 'messaging.destination.name': subject, 'messaging.operation.type': 'send' },
    },
    async (span) => {
      try {
        return await fn(context.active(), span);
      } catch (err) {
        span.setStatus({ code: SpanStatusCode.ERROR, message: err instanceof Error ? err.message : String(err) });
        throw err;
      } finally {
        span.end();
      }
    },
  );
}
