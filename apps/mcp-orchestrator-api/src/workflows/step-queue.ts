import { Inject, Injectable, Logger, type OnApplicationShutdown } from '@nestjs/common';
import {
  AckPolicy,
  DeliverPolicy,
  nanos,
  RetentionPolicy,
  StorageType,
  type ConsumerMessages,
  type JetStreamClient,
  type JsMsg,
} from 'nats';
import { APP_ENV } from '#env';
import { decodeJson, dependencyUnavailable, encodeJson, NatsClient } from '#messaging';
import type { OrchestratorApiEnv } from '../env.js';

export interface StepMessage {
  kind?: 'step';
  tenantId: string;
  runId: string;
  stepId: string;
  attempt: number;
}
export interface JobMessage {
  kind: 'job';
  tenantId: string;
  jobId: string;
  attempt: number;
}
export type WorkMessage = StepMessage | JobMessage;

const STEP_SUBJECT = 'orchestrator.work';
const DURABLE = 'orchestrator-steps';

/** One unit of work, whichever delivery of its message this is. */
function workKey(m: WorkMessage): string {
  return m?.kind === 'job' ? `job:${m.tenantId}:${m.jobId}` : `step:${m?.tenantId}:${m?.runId}:${m?.stepId}:${m?.attempt}`;
}

type HeldMessage = Pick<JsMsg, 'working'>;

/**
 * The messages a replica holds: handled at most `concurrency` at a time, the rest waiting for a
 * slot. `keepAlive` reports progress on all of them, waiting ones included, so none is redelivered
 * to someone else while it is here. A second delivery of work that is being handled is left to
 * that handler (it acks or naks the message), so one replica never runs the same work twice at once.
 */
export class HeldWork<M extends HeldMessage = JsMsg> {
  private readonly waiting: { body: WorkMessage; msg: M }[] = [];
  private readonly handling = new Map<string, M>();

  constructor(
    private readonly concurrency: number,
    private readonly handle: (body: WorkMessage, msg: M) => Promise<void>,
    private readonly failed: (msg: M, err: unknown) => void,
  ) {}

  add(body: WorkMessage, msg: M): void {
    this.waiting.push({ body, msg });
    this.pump();
  }

  keepAlive(): void {
    for (const w of this.waiting) w.msg.working();
    for (const msg of this.handling.values()) msg.working();
  }

  private pump(): void {
    while (this.handling.size < this.concurrency && this.waiting.length) {
      const { body, msg } = this.waiting.shift()!;
      const key = workKey(body);
      if (this.handling.has(key)) continue;
      this.handling.set(key, msg);
      void this.handle(body, msg)
        .catch((err: unknown) => this.failed(msg, err))
        .finally(() => {
          this.handling.delete(key);
          this.pump();
        });
    }
  }
}

/** Redelivery delay after a failed handler: 1 s, doubling per delivery, at most 30 s. */
export function redeliveryDelayMs(deliveryCount: number): number {
  return Math.min(30_000, 1000 * 2 ** Math.min(15, Math.max(0, deliveryCount - 1)));
}

/**
 * The JetStream work queue of workflow steps and inference jobs: one message per step attempt (or
 * job), explicit ack, redelivered after STEP_ACK_WAIT_MS unless the handler reports progress.
 * Publishing uses the attempt key as Nats-Msg-Id so a re-publish (sweep after a crash) within the
 * duplicate window is dropped by the server.
 *
 * JetStream itself never gives up on a message: a handler that failed because a dependency was
 * down is retried with backoff for as long as the outage lasts. The bound on deliveries
 * (STEP_MAX_DELIVER) is kept by the handlers in the database, where only deliveries that reached it
 * count; a handler failing for any other reason is given up after STEP_MAX_DELIVER deliveries.
 */
@Injectable()
export class StepQueue implements OnApplicationShutdown {
  private readonly log = new Logger('step-queue');
  private js?: JetStreamClient;
  private messages?: ConsumerMessages;
  private stopping = false;
  private keepAlive?: NodeJS.Timeout;
  readonly streamName: string;

  constructor(
    private readonly nats: NatsClient,
    @Inject(APP_ENV) private readonly env: OrchestratorApiEnv,
  ) {
    // Stream names cannot contain dots; the run's subject prefix keeps test runs apart here too.
    this.streamName = `${nats.subjectPrefix.replace(/[^A-Za-z0-9_-]/g, '_')}${env.STEP_STREAM}`;
  }

  async setup(): Promise<void> {
    const jsm = await this.nats.connection.jetstreamManager();
    const stream = {
      name: this.streamName,
      subjects: [this.nats.subject(`${STEP_SUBJECT}.>`)],
      retention: RetentionPolicy.Workqueue,
      storage: StorageType.File,
      duplicate_window: nanos(120_000),
    };
    try {
      await jsm.streams.add(stream);
    } catch {
      await jsm.streams.update(this.streamName, stream);
    }
    const consumer = {
      durable_name: DURABLE,
      ack_policy: AckPolicy.Explicit,
      deliver_policy: DeliverPolicy.All,
      ack_wait: nanos(this.env.STEP_ACK_WAIT_MS),
      max_deliver: -1,
      max_ack_pending: 10_000,
    };
    try {
      await jsm.consumers.add(this.streamName, consumer);
    } catch {
      await jsm.consumers.update(this.streamName, DURABLE, consumer);
    }
    this.js = this.nats.connection.jetstream();
  }

  async publish(m: WorkMessage): Promise<void> {
    const id = m.kind === 'job' ? `job:${m.jobId}` : `${m.runId}:${m.stepId}`;
    await this.js!.publish(this.nats.subject(`${STEP_SUBJECT}.${m.tenantId}`), encodeJson(m), {
      msgID: `${m.tenantId}:${id}:${m.attempt}`,
    });
  }

  /**
   * Hands messages to `handle` through HeldWork (bounded, kept alive, one at a time per unit of
   * work); `handle` acks itself when it succeeds. A crash stops the keep-alive and JetStream
   * redelivers after STEP_ACK_WAIT_MS.
   */
  async consume(concurrency: number, handle: (m: WorkMessage, raw: JsMsg) => Promise<void>): Promise<void> {
    const consumer = await this.js!.consumers.get(this.streamName, DURABLE);
    const held = new HeldWork(concurrency, handle, (msg, err) => this.failed(msg, err));
    this.keepAlive = setInterval(() => held.keepAlive(), Math.max(200, Math.floor(this.env.STEP_ACK_WAIT_MS / 3)));
    // The loop outlives connection losses; should the iterator still end (consumer gone), it is
    // opened again instead of leaving the replica without work.
    void (async () => {
      while (!this.stopping) {
        try {
          this.messages = await consumer.consume({ max_messages: concurrency });
          for await (const msg of this.messages) held.add(decodeJson(msg.data) as WorkMessage, msg);
        } catch (err) {
          this.log.warn({ msg: 'work queue consumer failed; reopening', err: (err as Error).message });
        }
        if (!this.stopping) await new Promise((r) => setTimeout(r, 1000));
      }
    })();
  }

  private failed(msg: JsMsg, err: unknown): void {
    const deliveries = msg.info.deliveryCount;
    if (dependencyUnavailable(err) || deliveries < this.env.STEP_MAX_DELIVER) {
      const delayMs = redeliveryDelayMs(deliveries);
      this.log.warn({ msg: 'work handler failed; redelivering', subject: msg.subject, deliveries, delayMs, err: (err as Error).message });
      msg.nak(delayMs);
      return;
    }
    this.log.error({ msg: 'work handler keeps failing; message dropped', subject: msg.subject, deliveries, err: (err as Error).message });
    msg.term();
  }

  async onApplicationShutdown(): Promise<void> {
    this.stopping = true;
    clearInterval(this.keepAlive);
    await this.messages?.close().catch(() => undefined);
  }
}
