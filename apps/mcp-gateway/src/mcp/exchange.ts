import type { JSONRPCMessage, RequestId } from '@modelcontextprotocol/sdk/types.js';

/** The part of a Node ServerResponse an exchange writes to. */
export interface ResponseSink {
  writeHead(status: number, headers: Record<string, string>): unknown;
  write(chunk: string): boolean;
  end(chunk?: string): unknown;
  on(event: 'close', listener: () => void): unknown;
}

/**
 * One POST to an MCP endpoint and its answer. Answers as plain JSON when every response is ready
 * before anything else has to be sent; switches to an SSE stream as soon as a notification
 * (progress, logging) or a server-to-client request (elicitation, sampling) must reach the client
 * before the final response. The stream ends once every request of the POST is answered.
 */
export class McpExchange {
  private mode: 'pending' | 'json' | 'sse' = 'pending';
  private readonly buffered: JSONRPCMessage[] = [];
  private readonly open = new Set<RequestId>();
  private finished = false;

  constructor(
    private readonly res: ResponseSink,
    private readonly headers: Record<string, string>,
    private readonly batch: boolean,
    private readonly onFinish: () => void = () => {},
  ) {
    res.on('close', () => this.finish());
  }

  get isFinished(): boolean {
    return this.finished;
  }

  expect(internalId: RequestId): void {
    this.open.add(internalId);
  }

  /** A final response (finalFor set) or an interim message related to one of this POST's requests. */
  deliver(message: JSONRPCMessage, finalFor?: RequestId): void {
    if (this.finished) return;
    if (finalFor !== undefined) this.open.delete(finalFor);
    if (this.mode === 'sse') {
      this.writeEvent(message);
    } else if (finalFor !== undefined) {
      this.buffered.push(message);
    } else {
      this.startStream();
      this.writeEvent(message);
    }
    if (this.open.size === 0) this.complete();
  }

  /** A request of this POST will get no response (it was cancelled). */
  abandon(internalId: RequestId): void {
    if (!this.open.delete(internalId) || this.finished) return;
    if (this.open.size === 0) this.complete();
  }

  private complete(): void {
    if (this.mode === 'sse') {
      this.res.end();
    } else if (this.buffered.length > 0) {
      const body = this.batch ? this.buffered : this.buffered[0];
      this.mode = 'json';
      this.res.writeHead(200, { ...this.headers, 'content-type': 'application/json' });
      this.res.end(JSON.stringify(body));
    } else {
      // Everything was cancelled: an empty stream is a valid answer that carries no response.
      this.startStream();
      this.res.end();
    }
    this.finish();
  }

  private startStream(): void {
    this.mode = 'sse';
    this.res.writeHead(200, {
      ...this.headers,
      'content-type': 'text/event-stream',
      'cache-control': 'no-cache, no-transform',
      connection: 'keep-alive',
      'x-accel-buffering': 'no',
    });
    for (const m of this.buffered.splice(0)) this.writeEvent(m);
  }

  private writeEvent(message: JSONRPCMessage): void {
    this.res.write(`event: message\ndata: ${JSON.stringify(message)}\n\n`);
  }

  private finish(): void {
    if (this.finished) return;
    this.finished = true;
    this.onFinish();
  }
}
