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
import { decodeJson, encodeJson, NatsClient } from '#messaging';
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

/**
 * The JetStream work queue of workflow steps and inference jobs: one message per step attempt (or job), explicit ack, bounded
 * redelivery (STEP_MAX_DELIVER), redelivered after STEP_ACK_WAIT_MS unless the handler reports
 * progress. Publishing uses the attempt key as Nats-Msg-Id so a re-publish (sweep after a crash)
 * within the duplicate window is dropped by the server.
 */
@Injectable()
export class StepQueue implements OnApplicationShutdown {
  private readonly log = new Logger('step-queue');
  private js?: JetStreamClient;
  private messages?: ConsumerMessages;
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
      max_deliver: this.env.STEP_MAX_DELIVER,
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

  /** Hands messages to `handle`, at most `concurrency` at a time; `handle` acks/naks itself. */
  async consume(concurrency: number, handle: (m: WorkMessage, raw: JsMsg) => Promise<void>): Promise<void> {
    const consumer = await this.js!.consumers.get(this.streamName, DURABLE);
    this.messages = await consumer.consume({ max_messages: concurrency });
    let running = 0;
    const waiters: (() => void)[] = [];
    void (async () => {
      for await (const msg of this.messages!) {
        if (running >= concurrency) await new Promise<void>((r) => waiters.push(r));
        running++;
        const body = decodeJson(msg.data) as WorkMessage;
        void handle(body, msg)
          .catch((err: unknown) => {
            this.log.error({ msg: 'step handler failed; message will be redelivered', err: (err as Error).message, subject: msg.subject });
            msg.nak(1000);
          })
          .finally(() => {
            running--;
            waiters.shift()?.();
          });
      }
    })();
  }

  async onApplicationShutdown(): Promise<void> {
    await this.messages?.close().catch(() => undefined);
  }
}
