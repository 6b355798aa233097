import type { SpanRecord } from '../otlp/span-record.js';

export interface SpanSink {
  /** Stores the batch atomically: it either commits whole or throws and stores nothing. */
  write(batch: SpanRecord[]): Promise<void>;
}

export interface SpanQueueOptions {
  /** Spans held at most, counting those being written; offers beyond it are refused whole. */
  capacity: number;
  batchSize: number;
  /** How long a partial batch waits for more spans before it is written anyway. */
  lingerMs: number;
  /** Batches written in parallel (Postgres overlaps their commits). */
  concurrency: number;
  retryInitialMs: number;
  retryMaxMs: number;
}

export interface SpanQueueObserver {
  written(count: number, seconds: number): void;
  failed(error: unknown, retryInMs: number): void;
}

/**
 * Bounded in-memory queue between the OTLP endpoint and Postgres. An accepted span stays counted here
 * until the batch holding it has committed; a failed batch goes back to the front and is retried with
 * backoff, so a database outage fills the queue (and turns new offers into 503s) instead of losing data.
 */
export class SpanQueue {
  private buffer: SpanRecord[] = [];
  private inFlight = 0;
  private writers = 0;
  private lingerTimer: NodeJS.Timeout | null = null;
  private retryTimer: NodeJS.Timeout | null = null;
  private retryAt = 0;
  private retryDelay: number;
  private flushing = false;
  private stopped = false;
  private idleWaiters: Array<() => void> = [];

  constructor(
    private readonly sink: SpanSink,
    private readonly options: SpanQueueOptions,
    private readonly observer: SpanQueueObserver,
  ) {
    this.retryDelay = options.retryInitialMs;
  }

  /** Spans accepted and not yet committed. */
  get depth(): number {
    return this.buffer.length + this.inFlight;
  }

  get capacity(): number {
    return this.options.capacity;
  }

  /** True while writes are failing and the queue is waiting to retry. */
  get backingOff(): boolean {
    return this.retryAt > Date.now();
  }

  /** Seconds a refused client should wait before retrying. */
  retryAfterSeconds(): number {
    return Math.max(1, Math.ceil((this.retryAt - Date.now()) / 1000));
  }

  /** Takes all spans or none. */
  offer(spans: SpanRecord[]): boolean {
    if (this.stopped) return false;
    if (spans.length === 0) return true;
    if (this.depth + spans.length > this.options.capacity) return false;
    for (const span of spans) this.buffer.push(span);
    this.pump();
    return true;
  }

  /** Writes everything held (retrying failures) until empty or the deadline; true when empty. */
  async flush(timeoutMs: number): Promise<boolean> {
    this.flushing = true;
    this.pump();
    const deadline = new Promise<false>((resolve) => setTimeout(() => resolve(false), timeoutMs).unref());
    const empty =
      this.depth === 0 ? Promise.resolve(true as const) : new Promise<true>((resolve) => this.idleWaiters.push(() => resolve(true)));
    const result = await Promise.race([empty, deadline]);
    this.flushing = false;
    return result;
  }

  /** Refuses new spans and stops timers; call flush() first to write what is held. */
  stop(): void {
    this.stopped = true;
    if (this.lingerTimer) clearTimeout(this.lingerTimer);
    if (this.retryTimer) clearTimeout(this.retryTimer);
    this.lingerTimer = this.retryTimer = null;
  }

  private pump(): void {
    if (this.retryTimer) return;
    while (this.writers < this.options.concurrency && this.buffer.length > 0) {
      const full = this.buffer.length >= this.options.batchSize;
      if (!full && !this.flushing && !this.stopped) {
        this.lingerTimer ??= setTimeout(() => {
          this.lingerTimer = null;
          this.writeBatch(true);
        }, this.options.lingerMs);
        return;
      }
      this.writeBatch(false);
    }
  }

  private writeBatch(fromLinger: boolean): void {
    if (this.retryTimer || this.buffer.length === 0) return;
    if (fromLinger && this.writers >= this.options.concurrency) return;
    const batch = this.buffer.splice(0, this.options.batchSize);
    this.inFlight += batch.length;
    this.writers++;
    const started = performance.now();
    this.sink.write(batch).then(
      () => {
        this.inFlight -= batch.length;
        this.writers--;
        this.retryDelay = this.options.retryInitialMs;
        this.retryAt = 0;
        this.observer.written(batch.length, (performance.now() - started) / 1000);
        this.afterWrite();
      },
      (error: unknown) => {
        this.inFlight -= batch.length;
        this.writers--;
        // Back to the front: these spans were accepted before anything now buffered.
        this.buffer = batch.concat(this.buffer);
        const delay = this.retryDelay;
        this.retryDelay = Math.min(this.retryDelay * 2, this.options.retryMaxMs);
        this.retryAt = Date.now() + delay;
        this.observer.failed(error, delay);
        if (!this.retryTimer && (!this.stopped || this.flushing)) {
          this.retryTimer = setTimeout(() => {
            this.retryTimer = null;
            this.pump();
          }, delay);
        }
      },
    );
  }

  private afterWrite(): void {
    if (this.depth === 0) {
      const waiters = this.idleWaiters;
      this.idleWaiters = [];
      for (const resolve of waiters) resolve();
      return;
    }
    this.pump();
  }
}
