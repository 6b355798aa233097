import { DomainError, ErrorCode, type RelayNotification, type RelayRequest, type RpcReply } from '#contracts';
import { decodeJson, encodeJson, type NatsClient } from '#messaging';
import type { CallRelay } from '../registry/upstream-pool.js';

/**
 * The orchestrator's end of the relay protocol (libs/contracts/src/orchestrator/relay.ts): progress,
 * logs and stream deltas are published to the caller's subject; server-to-client requests become
 * NATS requests to it and wait for the caller's answer.
 */
export class NatsRelay implements CallRelay {
  private readonly subject: string;

  constructor(
    private readonly nats: NatsClient,
    relaySubject: string,
    private readonly callId: string,
    private readonly requestTimeoutMs: number,
    readonly wantsSession = true,
  ) {
    this.subject = nats.subject(relaySubject);
  }

  progress(params: { progress: number; total?: number; message?: string }): void {
    this.publish({ type: 'progress', callId: this.callId, params });
  }

  log(params: { level: string; logger?: string; data: unknown }): void {
    this.publish({ type: 'log', callId: this.callId, params });
  }

  delta(text: string): void {
    this.publish({ type: 'delta', callId: this.callId, params: { text } });
  }

  async serverRequest(method: RelayRequest['method'], params: unknown): Promise<Record<string, unknown>> {
    const request: RelayRequest = { type: 'request', callId: this.callId, method, params };
    let reply: RpcReply<Record<string, unknown>> | undefined;
    try {
      const msg = await this.nats.connection.request(this.subject, encodeJson(request), { timeout: this.requestTimeoutMs });
      reply = decodeJson(msg.data) as RpcReply<Record<string, unknown>> | undefined;
    } catch {
      throw new DomainError(ErrorCode.UPSTREAM_TIMEOUT, `The caller did not answer ${method}`);
    }
    if (reply && 'data' in reply) return reply.data;
    throw new DomainError(ErrorCode.UPSTREAM_ERROR, reply && 'error' in reply ? reply.error.message : `Malformed answer to ${method}`);
  }

  private publish(n: RelayNotification) {
    this.nats.connection.publish(this.subject, encodeJson(n));
  }
}
