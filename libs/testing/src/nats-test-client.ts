import { connect, type NatsConnection } from 'nats';
import type { RpcReply } from '#contracts';
import { decodeJson, encodeJson } from '#messaging';

/** A plain NATS client for tests, speaking raw bytes or JSON on a run's prefixed subjects. */
export class NatsTestClient {
  private constructor(
    readonly connection: NatsConnection,
    private readonly prefix: string,
  ) {}

  static async connect(prefix: string, url = 'nats://127.0.0.1:4222'): Promise<NatsTestClient> {
    return new NatsTestClient(await connect({ servers: url }), prefix);
  }

  async requestRaw(subject: string, body: Uint8Array | string, timeoutMs = 5_000): Promise<RpcReply<unknown>> {
    const bytes = typeof body === 'string' ? new TextEncoder().encode(body) : body;
    const msg = await this.connection.request(this.prefix + subject, bytes, { timeout: timeoutMs });
    return decodeJson(msg.data) as RpcReply<unknown>;
  }

  async request(subject: string, payload: unknown, timeoutMs = 5_000): Promise<RpcReply<unknown>> {
    return this.requestRaw(subject, encodeJson(payload), timeoutMs);
  }

  /** Collects messages published on a prefixed subject (events) until `stop()`. */
  collect(subject: string): { messages: unknown[]; stop(): void } {
    const messages: unknown[] = [];
    const sub = this.connection.subscribe(this.prefix + subject, { callback: (_e, m) => messages.push(decodeJson(m.data)) });
    return { messages, stop: () => sub.unsubscribe() };
  }

  async close(): Promise<void> {
    await this.connection.drain();
  }
}
