import { Injectable, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import type { Subscription } from 'nats';
import { decodeJson, encodeJson, NatsClient } from '#messaging';

// Internal, not a contract: replicas tell each other to abort a call; every replica listens (no queue group).
const CANCEL_SUBJECT = 'orchestrator.internal.cancel';

/**
 * In-flight cancellable work (tool calls by callId, runs by runId) of this replica. A cancel request
 * reaches one replica of the queue group; it is broadcast so the replica actually running the work aborts it.
 */
@Injectable()
export class CallCancellation implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly inFlight = new Map<string, Set<AbortController>>();
  private sub?: Subscription;

  constructor(private readonly nats: NatsClient) {}

  onApplicationBootstrap(): void {
    this.sub = this.nats.connection.subscribe(this.nats.subject(CANCEL_SUBJECT), {
      callback: (_err, msg) => {
        const body = decodeJson(msg.data) as { key?: unknown } | undefined;
        if (typeof body?.key === 'string') this.abortLocal(body.key);
      },
    });
  }

  onApplicationShutdown(): void {
    this.sub?.unsubscribe();
  }

  /** Runs `work` with a signal aborted when `key` is cancelled anywhere; keys are tenant-qualified by callers. */
  async track<T>(key: string, work: (signal: AbortSignal) => Promise<T>, parent?: AbortSignal): Promise<T> {
    const controller = new AbortController();
    const onParentAbort = () => controller.abort();
    parent?.addEventListener('abort', onParentAbort, { once: true });
    let set = this.inFlight.get(key);
    if (!set) this.inFlight.set(key, (set = new Set()));
    set.add(controller);
    try {
      return await work(controller.signal);
    } finally {
      parent?.removeEventListener('abort', onParentAbort);
      set.delete(controller);
      if (set.size === 0) this.inFlight.delete(key);
    }
  }

  cancel(key: string): void {
    this.abortLocal(key);
    this.nats.connection.publish(this.nats.subject(CANCEL_SUBJECT), encodeJson({ key }));
  }

  private abortLocal(key: string) {
    for (const c of this.inFlight.get(key) ?? []) c.abort();
  }
}
