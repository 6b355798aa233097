import { promisify } from 'node:util';
import { gunzip as gunzipCallback } from 'node:zlib';
import Fastify, { type FastifyInstance, type FastifyReply } from 'fastify';
import type { NormalizeOptions } from '../otlp/normalize.js';
import {
  OtlpDecodeError,
  RpcCode,
  contentTypeOf,
  decodeTraces,
  encodeExportResponse,
  encodeStatus,
  formatOf,
  type OtlpFormat,
} from '../otlp/otlp-codec.js';
import type { SpanRecord } from '../otlp/span-record.js';
import { spansReceived } from './ingest-metrics.js';

const gunzip = promisify(gunzipCallback);

export interface OtlpReceiverOptions {
  bodyLimit: number;
  normalize: NormalizeOptions;
  /** Hands accepted spans on; false means they were not taken (queue full or shutting down). */
  accept(spans: SpanRecord[]): boolean;
  retryAfterSeconds(): number;
  onAccepted?(spans: SpanRecord[]): void;
}

/**
 * OTLP/HTTP trace receiver (POST /v1/traces), per the OTLP specification: protobuf or JSON bodies,
 * optionally gzip-encoded; 200 with an ExportTraceServiceResponse (partial_success when some spans were
 * rejected); 400 for a body that cannot be decoded, 413 over the size limit (before or after gunzip),
 * 415 for other media types, 503 with Retry-After when the hub cannot take the spans now. Error bodies
 * are google.rpc.Status in the request's encoding. A 200 means every non-rejected span is queued.
 */
export function createOtlpReceiver(options: OtlpReceiverOptions): FastifyInstance {
  const server = Fastify({ bodyLimit: options.bodyLimit, logger: false, forceCloseConnections: 'idle', return503OnClosing: true });
  server.removeAllContentTypeParsers();
  server.addContentTypeParser('*', { parseAs: 'buffer' }, (_request, body, done) => done(null, body));

  const fail = (reply: FastifyReply, format: OtlpFormat, status: number, code: number, message: string) =>
    reply
      .status(status)
      .header('content-type', contentTypeOf(format))
      .send(encodeStatus(format, code, message));

  server.setErrorHandler((error: { statusCode?: number; message: string }, request, reply) => {
    const format = formatOf(request.headers['content-type']) ?? 'json';
    if (error.statusCode === 413) return fail(reply, format, 413, RpcCode.INVALID_ARGUMENT, 'request body too large');
    if (error.statusCode && error.statusCode < 500) return fail(reply, format, 400, RpcCode.INVALID_ARGUMENT, error.message);
    return fail(reply, format, 500, 13, 'internal error');
  });

  server.post('/v1/traces', async (request, reply) => {
    const format = formatOf(request.headers['content-type']);
    if (!format)
      return fail(reply, 'json', 415, RpcCode.INVALID_ARGUMENT, 'content-type must be application/x-protobuf or application/json');
    let body = (request.body as Buffer | undefined) ?? Buffer.alloc(0);
    const encoding = (request.headers['content-encoding'] ?? 'identity').toLowerCase();
    if (encoding === 'gzip') {
      try {
        body = await gunzip(body, { maxOutputLength: options.bodyLimit });
      } catch (error) {
        if ((error as { code?: string }).code === 'ERR_BUFFER_TOO_LARGE') {
          return fail(reply, format, 413, RpcCode.INVALID_ARGUMENT, 'request body too large after decompression');
        }
        return fail(reply, format, 400, RpcCode.INVALID_ARGUMENT, 'body is not valid gzip');
      }
    } else if (encoding !== 'identity') {
      return fail(reply, format, 415, RpcCode.INVALID_ARGUMENT, `unsupported content-encoding ${encoding}`);
    }
    let result;
    try {
      result = decodeTraces(body, format, options.normalize);
    } catch (error) {
      if (!(error instanceof OtlpDecodeError)) throw error;
      return fail(reply, format, 400, RpcCode.INVALID_ARGUMENT, error.message);
    }
    if (!options.accept(result.spans)) {
      spansReceived.inc({ outcome: 'refused' }, result.spans.length);
      reply.header('retry-after', String(options.retryAfterSeconds()));
      return fail(reply, format, 503, RpcCode.UNAVAILABLE, 'span queue is full; retry later');
    }
    spansReceived.inc({ outcome: 'accepted' }, result.spans.length);
    if (result.rejected) spansReceived.inc({ outcome: 'rejected' }, result.rejected);
    options.onAccepted?.(result.spans);
    const partial = result.rejected ? { rejectedSpans: result.rejected, errorMessage: result.firstError ?? 'invalid spans' } : null;
    return reply.status(200).header('content-type', contentTypeOf(format)).send(encodeExportResponse(format, partial));
  });
  return server;
}
