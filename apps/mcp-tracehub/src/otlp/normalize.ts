import {
  type AttributeValue,
  type Attributes,
  type SpanEventRecord,
  type SpanLinkRecord,
  type SpanRecord,
  SERVICE_ATTRIBUTE,
  TENANT_ATTRIBUTE,
  UNKNOWN_SERVICE,
} from './span-record.js';

// One walker serves both encodings: protobufjs message instances (ids as bytes, 64-bit values as Long)
// and OTLP/JSON objects (ids as hex strings, 64-bit values as decimal strings or numbers, enums as
// numbers or names). Protobuf instances carry defaults on their prototype, so "unset" reads as an empty
// value there and as undefined in JSON; both are treated as absent.

interface LongLike {
  low: number;
  high: number;
}
type Int64 = LongLike | string | number | null | undefined;
type Id = Uint8Array | string | null | undefined;

export interface OtlpAnyValue {
  [field: string]: unknown;
}
export interface OtlpKeyValue {
  key?: string | null;
  value?: OtlpAnyValue | null;
}
export interface OtlpSpan {
  traceId?: Id;
  spanId?: Id;
  traceState?: string | null;
  parentSpanId?: Id;
  flags?: number | null;
  name?: string | null;
  kind?: number | string | null;
  startTimeUnixNano?: Int64;
  endTimeUnixNano?: Int64;
  attributes?: OtlpKeyValue[] | null;
  events?: Array<{ timeUnixNano?: Int64; name?: string | null; attributes?: OtlpKeyValue[] | null }> | null;
  links?: Array<{ traceId?: Id; spanId?: Id; attributes?: OtlpKeyValue[] | null }> | null;
  status?: { code?: number | string | null; message?: string | null } | null;
}
export interface OtlpExportRequest {
  resourceSpans?: Array<{
    resource?: { attributes?: OtlpKeyValue[] | null } | null;
    scopeSpans?: Array<{
      scope?: { name?: string | null; version?: string | null } | null;
      spans?: OtlpSpan[] | null;
    }> | null;
  }> | null;
}

export interface NormalizeOptions {
  /** Accepts or refuses a span's start time; refused spans are counted as rejected. */
  acceptStart(startUs: number): boolean;
  /** True when the value is a well-formed tenant id. */
  isTenantId(value: string): boolean;
}

export interface NormalizeResult {
  spans: SpanRecord[];
  rejected: number;
  /** First reason a span was rejected, for the partial-success message. */
  firstError: string | null;
}

const SPAN_KINDS: Record<string, number> = {
  SPAN_KIND_UNSPECIFIED: 0,
  SPAN_KIND_INTERNAL: 1,
  SPAN_KIND_SERVER: 2,
  SPAN_KIND_CLIENT: 3,
  SPAN_KIND_PRODUCER: 4,
  SPAN_KIND_CONSUMER: 5,
};
const STATUS_CODES: Record<string, number> = { STATUS_CODE_UNSET: 0, STATUS_CODE_OK: 1, STATUS_CODE_ERROR: 2 };

class SpanRejected extends Error {}

export function normalizeExport(request: OtlpExportRequest, options: NormalizeOptions): NormalizeResult {
  const spans: SpanRecord[] = [];
  let rejected = 0;
  let firstError: string | null = null;
  for (const resourceSpans of request.resourceSpans ?? []) {
    const resource = toAttributes(resourceSpans.resource?.attributes);
    const serviceValue = resource[SERVICE_ATTRIBUTE];
    const service = typeof serviceValue === 'string' && serviceValue !== '' ? serviceValue : UNKNOWN_SERVICE;
    for (const scopeSpans of resourceSpans.scopeSpans ?? []) {
      const scopeName = scopeSpans.scope?.name || null;
      const scopeVersion = scopeSpans.scope?.version || null;
      for (const span of scopeSpans.spans ?? []) {
        try {
          const record = toRecord(span, resource, service, scopeName, scopeVersion, options);
          spans.push(record);
        } catch (error) {
          if (!(error instanceof SpanRejected)) throw error;
          rejected++;
          firstError ??= error.message;
        }
      }
    }
  }
  return { spans, rejected, firstError };
}

function toRecord(
  span: OtlpSpan,
  resource: Attributes,
  service: string,
  scopeName: string | null,
  scopeVersion: string | null,
  options: NormalizeOptions,
): SpanRecord {
  const traceId = requiredId(span.traceId, 16, 'traceId');
  const spanId = requiredId(span.spanId, 8, 'spanId');
  const parentSpanId = optionalId(span.parentSpanId, 8, 'parentSpanId');
  const attributes = toAttributes(span.attributes);
  const tenantId = tenantOf(attributes, resource, options);
  const startUs = nanosToMicros(span.startTimeUnixNano);
  const endUs = nanosToMicros(span.endTimeUnixNano);
  if (startUs <= 0) throw new SpanRejected(`span ${spanId}: missing startTimeUnixNano`);
  if (!options.acceptStart(startUs)) throw new SpanRejected(`span ${spanId}: start time outside the retention window`);
  return {
    tenantId,
    traceId,
    spanId,
    parentSpanId,
    service,
    operation: span.name ?? '',
    kind: enumValue(span.kind, SPAN_KINDS, 5),
    startUs,
    durationUs: Math.max(0, endUs - startUs),
    statusCode: enumValue(span.status?.code, STATUS_CODES, 2),
    statusMessage: span.status?.message || null,
    attributes,
    resource,
    events: (span.events ?? []).map((event): SpanEventRecord => ({
      timeUs: nanosToMicros(event.timeUnixNano),
      name: event.name ?? '',
      attributes: toAttributes(event.attributes),
    })),
    links: (span.links ?? []).map((link): SpanLinkRecord => ({
      traceId: requiredId(link.traceId, 16, 'link traceId'),
      spanId: requiredId(link.spanId, 8, 'link spanId'),
      attributes: toAttributes(link.attributes),
    })),
    scopeName,
    scopeVersion,
    traceState: span.traceState || null,
    flags: typeof span.flags === 'number' ? span.flags : 0,
  };
}

function tenantOf(attributes: Attributes, resource: Attributes, options: NormalizeOptions): string | null {
  const value = attributes[TENANT_ATTRIBUTE] ?? resource[TENANT_ATTRIBUTE];
  if (value === undefined) return null;
  if (typeof value !== 'string' || !options.isTenantId(value)) {
    throw new SpanRejected(`invalid ${TENANT_ATTRIBUTE} attribute`);
  }
  return value;
}

const HEX = /^[0-9a-f]*$/;

function idToHex(id: Id): string {
  if (id == null) return '';
  if (typeof id === 'string') return id.toLowerCase();
  // An unset bytes field reads as the prototype's empty array default on decoded messages.
  if (id.length === 0) return '';
  return Buffer.from(id.buffer, id.byteOffset, id.byteLength).toString('hex');
}

function optionalId(id: Id, bytes: number, field: string): string | null {
  const hex = idToHex(id);
  if (hex === '' || /^0+$/.test(hex)) return null;
  if (hex.length !== bytes * 2 || !HEX.test(hex)) throw new SpanRejected(`invalid ${field}`);
  return hex;
}

function requiredId(id: Id, bytes: number, field: string): string {
  const hex = optionalId(id, bytes, field);
  if (hex === null) throw new SpanRejected(`missing ${field}`);
  return hex;
}

function enumValue(value: number | string | null | undefined, names: Record<string, number>, max: number): number {
  const n = typeof value === 'string' ? (names[value] ?? Number(value)) : (value ?? 0);
  return Number.isInteger(n) && n >= 0 && n <= max ? n : 0;
}

/** Exact nanoseconds → whole microseconds (doubles cannot hold epoch nanoseconds exactly). */
export function nanosToMicros(value: Int64): number {
  if (value == null || value === '') return 0;
  if (typeof value === 'number') return Math.floor(value / 1000);
  if (typeof value === 'string') {
    if (!/^\d+$/.test(value)) throw new SpanRejected('invalid timestamp');
    return Number(BigInt(value) / 1000n);
  }
  // 2^32 ns = 4294967 µs + 296 ns, so high·2^32 + low splits into parts that stay exact in doubles
  // (for dates before 2255) without the cost of BigInt on every span.
  const high = value.high >>> 0;
  const low = value.low >>> 0;
  return high * 4_294_967 + Math.floor((high * 296 + low) / 1000);
}

function toAttributes(list: OtlpKeyValue[] | null | undefined): Attributes {
  const out: Attributes = {};
  if (!list) return out;
  for (const kv of list) {
    if (!kv.key) continue;
    const value = anyValue(kv.value);
    if (value !== undefined) out[kv.key] = value;
  }
  return out;
}

function anyValue(value: OtlpAnyValue | null | undefined): AttributeValue | undefined {
  if (!value) return undefined;
  for (const field of Object.keys(value)) {
    const v = value[field];
    if (v === undefined || v === null) continue;
    switch (field) {
      case 'stringValue':
        return String(v);
      case 'boolValue':
        return v === true || v === 'true';
      case 'intValue':
        return int64Value(v as Int64);
      case 'doubleValue':
        return typeof v === 'number' ? v : Number(v);
      case 'bytesValue':
        return typeof v === 'string' ? v : Buffer.from(v as Uint8Array).toString('base64');
      case 'arrayValue':
        return ((v as { values?: OtlpAnyValue[] }).values ?? []).flatMap((item) => {
          const converted = anyValue(item);
          return converted === undefined ? [] : [converted];
        });
      case 'kvlistValue':
        return toAttributes((v as { values?: OtlpKeyValue[] }).values);
      default:
        continue;
    }
  }
  return undefined;
}

/** int64 as a JSON number when it is exactly representable, else as its decimal string. */
function int64Value(value: Int64): number | string {
  if (typeof value === 'number') return value;
  if (typeof value === 'string' && !/^-?\d+$/.test(value)) throw new SpanRejected('invalid intValue');
  const big =
    typeof value === 'string'
      ? BigInt(value)
      : value == null
        ? 0n
        : BigInt.asIntN(64, (BigInt(value.high >>> 0) << 32n) | BigInt(value.low >>> 0));
  const n = Number(big);
  return Number.isSafeInteger(n) ? n : big.toString();
}
