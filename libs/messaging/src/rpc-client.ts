import { Inject, Injectable } from '@nestjs/common';
import { ErrorCode as NatsErrorCode, type NatsError } from 'nats';
import { DomainError, ErrorCode, type RpcContract, type RpcReply } from '#contracts';
import { injectTraceContext, inProducerSpan } from '#tracing';
import { decodeJson, encodeJson } from './json.js';
import { NatsClient } from './nats-client.js';
import { injectTenant } from './tenant-header.js';

export const RPC_DEFAULT_TIMEOUT_MS = Symbol('RPC_DEFAULT_TIMEOUT_MS');

export interface RpcCallOptions {
  timeoutMs?: number;
}

/**
 * Calls another app over NATS request/reply. Uses the connection's shared reply inbox (one
 * subscription for all requests), carries the trace context, and turns every failure into a
 * DomainError the caller can map: a typed error reply keeps its code, no responder (or no
 * connection to NATS at all) means the service is unavailable, silence means a timeout.
 */
@Injectable()
export class RpcClient {
  constructor(
    private readonly nats: NatsClient,
    @Inject(RPC_DEFAULT_TIMEOUT_MS) private readonly defaultTimeoutMs: number,
  ) {}

  async request<Req extends object, Res>(contract: RpcContract<Req, Res>, payload: Req, options: RpcCallOptions = {}): Promise<Res> {
    return inProducerSpan(contract.subject, async (ctx) => {
      if (!this.nats.connected) {
        throw new DomainError(ErrorCode.SERVICE_UNAVAILABLE, `Messaging is reconnecting; ${contract.subject} cannot be reached`, {
          subject: contract.subject,
          retryAfterSeconds: 1,
        });
      }
      const headers = this.nats.headers();
      injectTraceContext(headers, ctx);
      injectTenant(headers);
      let bytes: Uint8Array;
      try {
        const msg = await this.nats.connection.request(this.nats.subject(contract.subject), encodeJson(payload), {
          timeout: options.timeoutMs ?? this.defaultTimeoutMs,
          headers,
        });
        bytes = msg.data;
      } catch (err) {
        throw transportError(contract.subject, err);
      }
      const reply = decodeJson(bytes) as RpcReply<Res> | undefined;
      if (reply && 'error' in reply && reply.error) throw DomainError.fromBody(reply.error);
      if (!reply || !('data' in reply)) throw new DomainError(ErrorCode.UPSTREAM_ERROR, `Malformed reply on ${contract.subject}`);
      return reply.data;
    });
  }
}

function transportError(subject: string, err: unknown): DomainError {
  const code = (err as NatsError).code;
  if (code === NatsErrorCode.NoResponders) {
    return new DomainError(ErrorCode.SERVICE_UNAVAILABLE, `No service is answering ${subject}`, { subject });
  }
  if (code === NatsErrorCode.Timeout) {
    return new DomainError(ErrorCode.UPSTREAM_TIMEOUT, `No answer on ${subject} in time`, { subject });
  }
  return new DomainError(ErrorCode.SERVICE_UNAVAILABLE, `Messaging unavailable for ${subject}`, { subject });
}
