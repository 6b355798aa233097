import { connect, Events, headers as natsHeaders, type MsgHdrs, type NatsConnection } from 'nats';

export interface NatsClientOptions {
  url: string;
  /** Connection name shown by the NATS server (`<app>:<instance>`). */
  name: string;
  /** Subject prefix of this process (empty in production, a per-run token in tests). */
  subjectPrefix: string;
}

/**
 * The process's one NATS connection. Every subject this process uses passes through `subject()`
 * so a test run can isolate itself on a shared server by prefix.
 */
export class NatsClient {
  private linkUp = true;

  private constructor(
    readonly connection: NatsConnection,
    readonly subjectPrefix: string,
  ) {
    void this.followStatus();
  }

  /** False from a lost connection until the reconnect: callers can fail fast instead of waiting out a timeout. */
  get connected(): boolean {
    return this.linkUp && !this.connection.isClosed();
  }

  private async followStatus(): Promise<void> {
    for await (const s of this.connection.status()) {
      if (s.type === Events.Disconnect) this.linkUp = false;
      else if (s.type === Events.Reconnect) this.linkUp = true;
    }
  }

  static async connect(options: NatsClientOptions): Promise<NatsClient> {
    const connection = await connect({
      servers: options.url,
      name: options.name,
      maxReconnectAttempts: -1,
      reconnectTimeWait: 500,
      waitOnFirstConnect: true,
    });
    return new NatsClient(connection, options.subjectPrefix);
  }

  subject(name: string): string {
    return this.subjectPrefix + name;
  }

  /** Strips this process's prefix from a wire subject. */
  unprefixed(wireSubject: string): string {
    return wireSubject.startsWith(this.subjectPrefix) ? wireSubject.slice(this.subjectPrefix.length) : wireSubject;
  }

  headers(): MsgHdrs {
    return natsHeaders();
  }

  /** Resolves once the server has answered a ping; rejects while disconnected. */
  async ping(): Promise<void> {
    if (this.connection.isClosed()) throw new Error('connection closed');
    await this.connection.rtt();
  }

  async drain(): Promise<void> {
    if (!this.connection.isClosed()) await this.connection.drain().catch(() => this.connection.close());
  }
}
