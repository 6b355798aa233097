import { Inject, Injectable, Logger, type OnApplicationShutdown, type OnModuleInit } from '@nestjs/common';
import { APP_ENV } from '#env';
import type { Decision, DecisionInput } from '../engine/policy-index.js';
import type { PolicyProxyEnv } from '../env.js';
import { decisionLogDropped, decisionLogPending, decisionLogWritten } from '../policy/metrics.js';
import { DecisionLogStore, type DecisionLogEntry, type VerifyResult } from './decision-log-store.js';
import { DecisionLogWriter } from './decision-log-writer.js';
import { compileMask, maskedCanonicalJson, type MaskTrie } from './masking.js';

/** A decision as made; serialised (masked, canonical JSON) only when its batch is written. */
interface MadeDecision {
  readonly decisionId: string;
  readonly at: string;
  readonly input: DecisionInput;
  readonly decision: Decision;
  readonly latencyUs: number;
  readonly traceId: string | null;
}

const RETENTION_CHECK_MS = 3_600_000;
const DAY_MS = 86_400_000;

/** The decision log as the app uses it: record without waiting, flush in batches, prune by age, verify. */
@Injectable()
export class DecisionAudit implements OnModuleInit, OnApplicationShutdown {
  private readonly log = new Logger(DecisionAudit.name);
  private readonly writer: DecisionLogWriter<MadeDecision>;
  private readonly mask: MaskTrie;
  private retentionTimer: NodeJS.Timeout | undefined;

  constructor(
    private readonly store: DecisionLogStore,
    @Inject(APP_ENV) private readonly env: PolicyProxyEnv,
  ) {
    this.mask = compileMask(env.POLICY_DECISION_LOG_MASK);
    this.writer = new DecisionLogWriter(
      (batch) => store.append(batch.map((d) => this.entry(d))),
      {
        batchSize: env.POLICY_DECISION_LOG_BATCH,
        intervalMs: env.POLICY_DECISION_LOG_FLUSH_MS,
        maxBuffered: env.POLICY_DECISION_LOG_MAX_BUFFERED,
      },
      {
        onFlushed: (count) => {
          decisionLogWritten.inc(count);
          decisionLogPending.set(this.writer.pending);
        },
        onError: (err, pending) => {
          decisionLogPending.set(pending);
          this.log.error({ msg: 'decision log write failed; will retry', pending, err: err instanceof Error ? err.message : String(err) });
        },
        onDropped: (count) => {
          decisionLogDropped.inc(count);
          this.log.error({ msg: 'decision log buffer full; oldest decisions dropped', count });
        },
      },
    );
  }

  onModuleInit(): void {
    this.writer.start();
    if (this.env.POLICY_DECISION_LOG_RETENTION_DAYS > 0) {
      this.retentionTimer = setInterval(() => void this.applyRetention(), RETENTION_CHECK_MS);
      this.retentionTimer.unref();
    }
  }

  async onApplicationShutdown(): Promise<void> {
    if (this.retentionTimer) clearInterval(this.retentionTimer);
    await this.writer.close();
  }

  record(decisionId: string, input: DecisionInput, decision: Decision, latencyUs: number, traceId: string | null): void {
    this.writer.enqueue({ decisionId, at: new Date().toISOString(), input, decision, latencyUs, traceId });
  }

  private entry(d: MadeDecision): DecisionLogEntry {
    return {
      decisionId: d.decisionId,
      at: d.at,
      tenantId: d.input.tenantId,
      subjectId: d.input.subject.id,
      action: d.input.action,
      resourceType: d.input.resource.type,
      allow: d.decision.allow,
      reason: d.decision.reason,
      matchedRule: d.decision.matchedRule ?? null,
      traceId: d.traceId,
      latencyUs: d.latencyUs,
      input: maskedCanonicalJson(d.input, this.mask),
    };
  }

  /** Writes what is queued now (tests and the verify endpoint want the log up to date). */
  flush(): Promise<void> {
    return this.writer.flush();
  }

  async verify(pageSize?: number): Promise<VerifyResult> {
    await this.writer.flush();
    return this.store.verify(pageSize);
  }

  async applyRetention(): Promise<number> {
    try {
      const removed = await this.store.prune(new Date(Date.now() - this.env.POLICY_DECISION_LOG_RETENTION_DAYS * DAY_MS));
      if (removed) this.log.log({ msg: 'decision log retention applied', removed });
      return removed;
    } catch (err) {
      this.log.error({ msg: 'decision log retention failed', err: err instanceof Error ? err.message : String(err) });
      return 0;
    }
  }
}
