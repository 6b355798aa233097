export interface WriterOptions {
  /** Flush when this many entries are waiting. */
  readonly batchSize: number;
  /** Flush at least this often (ms). */
  readonly intervalMs: number;
  /** Entries kept while the database is unreachable; beyond it the oldest are dropped and counted. */
  readonly maxBuffered: number;
}

export interface WriterHooks {
  readonly onFlushed?: (count: number, ms: number) => void;
  readonly onError?: (err: unknown, pending: number) => void;
  readonly onDropped?: (count: number) => void;
}

/**
 * Keeps decision logging off the request path: decisions are queued in memory as they were made
 * and handed to `sink` (which serialises, hashes and stores them) in batches, one batch at a
 * time, by a timer or when the batch fills.
 */
export class DecisionLogWriter<T> {
  private buffer: T[] = [];
  private flushing: Promise<void> | undefined;
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly sink: (batch: T[]) => Promise<void>,
    private readonly options: WriterOptions,
    private readonly hooks: WriterHooks = {},
  ) {}

  start(): void {
    this.timer = setInterval(() => void this.flush(), this.options.intervalMs);
    this.timer.unref();
  }

  get pending(): number {
    return this.buffer.length;
  }

  enqueue(entry: T): void {
    this.buffer.push(entry);
    if (this.buffer.length > this.options.maxBuffered) {
      const dropped = this.buffer.length - this.options.maxBuffered;
      this.buffer.splice(0, dropped);
      this.hooks.onDropped?.(dropped);
    }
    if (this.buffer.length >= this.options.batchSize && !this.flushing) void this.flush();
  }

  /** Writes everything queued so far (waits for a flush already running first). */
  async flush(): Promise<void> {
    while (this.flushing) await this.flushing;
    if (!this.buffer.length) return;
    const batch = this.buffer.splice(0, this.options.batchSize);
    const started = performance.now();
    this.flushing = this.sink(batch)
      .then(() => this.hooks.onFlushed?.(batch.length, performance.now() - started))
      .catch((err: unknown) => {
        // Put the batch back in front so order (and so the chain) follows decision order.
        this.buffer.unshift(...batch);
        this.hooks.onError?.(err, this.buffer.length);
      })
      .finally(() => {
        this.flushing = undefined;
      });
    await this.flushing;
  }

  /** Stops the timer and drains the queue (graceful shutdown). */
  async close(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    let failures = 0;
    while (this.buffer.length && failures < 3) {
      const before = this.buffer.length;
      await this.flush();
      if (this.buffer.length >= before) {
        failures++;
        await new Promise((r) => setTimeout(r, 100));
      }
    }
  }
}
