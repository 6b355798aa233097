import { ExportTraceServiceRequest, ExportTraceServiceResponse, RpcStatus } from './otlp-schema.js';
import { type NormalizeOptions, type NormalizeResult, type OtlpExportRequest, normalizeExport } from './normalize.js';

export type OtlpFormat = 'protobuf' | 'json';

/** The body could not be read as an OTLP ExportTraceServiceRequest: the exporter must not retry it. */
export class OtlpDecodeError extends Error {}

export function formatOf(contentType: string | undefined): OtlpFormat | null {
  const mime = (contentType ?? '').split(';', 1)[0]!.trim().toLowerCase();
  if (mime === 'application/x-protobuf' || mime === 'application/protobuf') return 'protobuf';
  if (mime === 'application/json') return 'json';
  return null;
}

export function decodeTraces(body: Buffer, format: OtlpFormat, options: NormalizeOptions): NormalizeResult {
  let request: OtlpExportRequest;
  try {
    request =
      format === 'protobuf'
        ? (ExportTraceServiceRequest.decode(body) as unknown as OtlpExportRequest)
        : (JSON.parse(body.toString('utf8')) as OtlpExportRequest);
  } catch (error) {
    throw new OtlpDecodeError(`undecodable ${format} body: ${(error as Error).message}`);
  }
  if (typeof request !== 'object' || request === null || Array.isArray(request)) {
    throw new OtlpDecodeError('body is not an ExportTraceServiceRequest');
  }
  try {
    return normalizeExport(request, options);
  } catch (error) {
    // A structurally wrong JSON document (a number where a list belongs, …) surfaces here as a TypeError.
    throw new OtlpDecodeError(`malformed ExportTraceServiceRequest: ${(error as Error).message}`);
  }
}

export interface PartialSuccess {
  rejectedSpans: number;
  errorMessage: string;
}

export function encodeExportResponse(format: OtlpFormat, partial: PartialSuccess | null): Buffer {
  if (format === 'json') {
    const body = partial ? { partialSuccess: { rejectedSpans: String(partial.rejectedSpans), errorMessage: partial.errorMessage } } : {};
    return Buffer.from(JSON.stringify(body));
  }
  const message = ExportTraceServiceResponse.create(partial ? { partialSuccess: partial } : {});
  return Buffer.from(ExportTraceServiceResponse.encode(message).finish());
}

/** gRPC status codes used in google.rpc.Status bodies of failed OTLP/HTTP requests. */
export const RpcCode = { INVALID_ARGUMENT: 3, RESOURCE_EXHAUSTED: 8, UNAVAILABLE: 14 } as const;

export function encodeStatus(format: OtlpFormat, code: number, message: string): Buffer {
  if (format === 'json') return Buffer.from(JSON.stringify({ code, message }));
  return Buffer.from(RpcStatus.encode(RpcStatus.create({ code, message })).finish());
}

export function contentTypeOf(format: OtlpFormat): string {
  return format === 'json' ? 'application/json' : 'application/x-protobuf';
}
