// The hub's own span model: what ingest produces from OTLP and what storage and the query API read.
// Times are microseconds since the epoch (the precision Jaeger's API and Postgres timestamps carry).

export type AttributeValue = string | number | boolean | AttributeValue[] | { [key: string]: AttributeValue };
export type Attributes = Record<string, AttributeValue>;

export interface SpanEventRecord {
  timeUs: number;
  name: string;
  attributes: Attributes;
}

export interface SpanLinkRecord {
  traceId: string;
  spanId: string;
  attributes: Attributes;
}

export interface SpanRecord {
  tenantId: string | null;
  traceId: string;
  spanId: string;
  parentSpanId: string | null;
  service: string;
  operation: string;
  /** OTLP SpanKind number (0 unspecified … 5 consumer). */
  kind: number;
  startUs: number;
  durationUs: number;
  /** OTLP StatusCode number (0 unset, 1 ok, 2 error). */
  statusCode: number;
  statusMessage: string | null;
  attributes: Attributes;
  resource: Attributes;
  events: SpanEventRecord[];
  links: SpanLinkRecord[];
  scopeName: string | null;
  scopeVersion: string | null;
  traceState: string | null;
  flags: number;
}

/** Span or resource attribute naming the tenant a span belongs to; the span's value wins. */
export const TENANT_ATTRIBUTE = 'tenant.id';
export const SERVICE_ATTRIBUTE = 'service.name';
export const UNKNOWN_SERVICE = 'unknown_service';

export const SPAN_KIND_NAMES = ['unspecified', 'internal', 'server', 'client', 'producer', 'consumer'] as const;
export const STATUS_ERROR = 2;
