import { randomUUID } from 'node:crypto';
import { Inject, Injectable, Logger, type OnModuleInit } from '@nestjs/common';
import type { JsMsg } from 'nats';
import { DomainError, ErrorCode, JobChanged, type JobInfo, type JobSubmitRequest } from '#contracts';
import { APP_ENV } from '#env';
import { dependencyUnavailable, EventBus, NatsClient } from '#messaging';
import { isTenantId, type TenantId } from '#tenancy';
import { cancelledError, isCancelled } from '../cancellation.js';
import type { OrchestratorApiEnv } from '../env.js';
import { earlierSubmission, idempotentSubmission } from '../persistence/idempotency.js';
import { OrchestratorDb, type Sql } from '../persistence/orchestrator-db.js';
import { CallCancellation } from '../registry/call-cancellation.js';
import { NatsRelay } from '../relay/nats-relay.js';
import { InferenceScheduler, type Placement } from '../scheduler/scheduler.port.js';
import { recordUsage } from '../usage/usage.repository.js';
import { StepQueue, type JobMessage } from '../workflows/step-queue.js';
import { chatCompletion, type ChatMessage } from './openai-client.js';

interface JobRow {
  id: string;
  status: JobInfo['status'];
  model: string;
  input: { messages: ChatMessage[]; relaySubject?: string };
  priority: number;
  tier: JobInfo['tier'];
  resources: { cpu: number; memoryMiB: number; gpu: number };
  max_output_tokens: number;
  stream: boolean;
  pool: string | null;
  node: string | null;
  backend_url: string | null;
  output: JobInfo['output'];
  error: JobInfo['error'];
  prompt_tokens: number | null;
  completion_tokens: number | null;
  run_id: string | null;
  request_hash: string | null;
  created_by: string;
  created_at: Date;
  started_at: Date | null;
  finished_at: Date | null;
}

function jobInfo(r: JobRow): JobInfo {
  return {
    id: r.id,
    status: r.status,
    model: r.model,
    priority: r.priority,
    tier: r.tier,
    placement: r.pool && r.node && r.backend_url ? { pool: r.pool, node: r.node, backendUrl: r.backend_url } : null,
    output: r.output,
    usage: r.prompt_tokens !== null ? { promptTokens: r.prompt_tokens, completionTokens: r.completion_tokens ?? 0 } : null,
    error: r.error,
    createdBy: r.created_by,
    createdAt: r.created_at.toISOString(),
    startedAt: r.started_at?.toISOString() ?? null,
    finishedAt: r.finished_at?.toISOString() ?? null,
  };
}

const DEFAULT_RESOURCES = { cpu: 1, memoryMiB: 2048, gpu: 0 };
const estimateTokens = (messages: ChatMessage[]) => messages.reduce((n, m) => n + Math.ceil(m.content.length / 4), 0);

export interface StepInference {
  model: string;
  messages: ChatMessage[];
  maxOutputTokens?: number;
  priority?: number;
  runId: string;
  stepId: string;
}

/**
 * Inference jobs: stored in the tenant's schema, queued on JetStream (the same work stream as
 * workflow steps), placed by the InferenceScheduler port, executed against the placement's
 * OpenAI-compatible backend, with results and token usage recorded for chargeback.
 */
@Injectable()
export class JobService implements OnModuleInit {
  private readonly log = new Logger('jobs');
  private readonly waiters = new Map<string, Set<() => void>>();

  constructor(
    private readonly db: OrchestratorDb,
    @Inject(InferenceScheduler) private readonly scheduler: InferenceScheduler,
    private readonly queue: StepQueue,
    private readonly events: EventBus,
    private readonly cancellation: CallCancellation,
    private readonly nats: NatsClient,
    @Inject(APP_ENV) private readonly env: OrchestratorApiEnv,
  ) {}

  onModuleInit(): void {
    // A preempted job's backend request is aborted; the handler puts it back on the queue.
    this.scheduler.onPreempted((jobId) => this.cancellation.cancel(`job-preempt:${jobId}`));
  }

  async submit(tenantId: TenantId, principal: string, req: JobSubmitRequest): Promise<JobInfo> {
    // What the job is; waiting and where deltas go are about this call, and a retry may change them.
    const { model, messages, maxOutputTokens, priority, tier, resources, spotTolerant, stream } = req;
    const submission = idempotentSubmission(req.idempotencyKey, {
      model,
      messages,
      maxOutputTokens,
      priority,
      tier,
      resources,
      spotTolerant,
      stream,
    });
    const id = randomUUID();
    const { row, created } = await this.db.tenant(tenantId, async (sql) => {
      const earlier = submission && (await earlierSubmission<JobRow>(sql, 'orch_jobs', submission));
      if (earlier) return { row: earlier, created: false };
      const [inserted] = await sql.query<JobRow>(
        `INSERT INTO orch_jobs (id, status, model, input, priority, tier, resources, max_output_tokens, stream, created_by, idempotency_key, request_hash)
         VALUES ($1, 'queued', $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) RETURNING *`,
        [
          id,
          req.model,
          JSON.stringify({
            messages: req.messages.map((m) => ({ role: m.role, content: m.content })),
            ...(req.relaySubject ? { relaySubject: req.relaySubject } : {}),
          }),
          req.priority ?? 100,
          req.tier ?? 'standard',
          JSON.stringify(req.resources ?? DEFAULT_RESOURCES),
          req.maxOutputTokens ?? 256,
          req.stream ?? false,
          principal,
          submission?.key ?? null,
          submission?.requestHash ?? null,
        ],
      );
      return { row: inserted!, created: true };
    });
    if (created) {
      // The job is committed: if the queue is unreachable now, the sweep publishes it later.
      await this.dispatch(tenantId, id);
      this.jobEvent(tenantId, id, 'queued');
    }
    if (!req.wait) return jobInfo(row);
    return this.waitFor(tenantId, row.id, req.waitTimeoutMs ?? this.env.INFERENCE_TIMEOUT_MS);
  }

  async get(tenantId: TenantId, jobId: string): Promise<JobInfo> {
    const row = await this.db.tenant(tenantId, (sql) => this.row(sql, jobId));
    if (!row) throw new DomainError(ErrorCode.NOT_FOUND, `No job ${jobId}`, { jobId });
    return jobInfo(row);
  }

  async list(tenantId: TenantId, f: { status?: string; limit: number; cursor?: { at: string; id: string } }): Promise<JobRow[]> {
    return this.db.tenant(tenantId, (sql) =>
      sql.query<JobRow>(
        `SELECT * FROM orch_jobs WHERE ($1::text IS NULL OR status = $1) AND ($2::timestamptz IS NULL OR (created_at, id) < ($2::timestamptz, $3::uuid))
       ORDER BY created_at DESC, id DESC LIMIT $4`,
        [f.status ?? null, f.cursor?.at ?? null, f.cursor?.id ?? null, f.limit],
      ),
    );
  }

  toInfo = jobInfo;

  async cancel(tenantId: TenantId, jobId: string): Promise<JobInfo> {
    const row = await this.db.tenant(tenantId, async (sql) => {
      const rows = await sql.query<JobRow>(
        `UPDATE orch_jobs SET status = 'cancelled', finished_at = now(), error = $2 WHERE id = $1 AND status IN ('queued', 'placed', 'running') RETURNING *`,
        [jobId, JSON.stringify({ code: ErrorCode.CONFLICT, message: 'job was cancelled', details: { reason: 'cancelled' } })],
      );
      if (rows[0]) return rows[0];
      const existing = await this.row(sql, jobId);
      if (!existing) throw new DomainError(ErrorCode.NOT_FOUND, `No job ${jobId}`, { jobId });
      throw new DomainError(ErrorCode.CONFLICT, `Job ${jobId} already ${existing.status}`, { jobId, status: existing.status });
    });
    this.cancellation.cancel(`job:${tenantId}:${jobId}`);
    this.jobEvent(tenantId, jobId, 'cancelled');
    return jobInfo(row);
  }

  /** Runs a queued job delivered by JetStream; a redelivery after a crash runs it again, recording it once. */
  async handle(m: JobMessage, raw: JsMsg): Promise<void> {
    if (!isTenantId(m.tenantId) || typeof m.jobId !== 'string' || !/^[0-9a-f-]{36}$/.test(m.jobId)) {
      this.log.warn({ msg: 'dropping malformed job message' });
      raw.term();
      return;
    }
    const tenantId = m.tenantId;
    const row = await this.db.tenant(tenantId, async (sql) => {
      const [claimed] = await sql.query<JobRow & { deliveries: number }>(
        `UPDATE orch_jobs SET status = 'running', started_at = COALESCE(started_at, now()), deliveries = deliveries + 1, dispatched_at = COALESCE(dispatched_at, now())
         WHERE id = $1 AND status IN ('queued', 'placed', 'running') RETURNING *`,
        [m.jobId],
      );
      if (!claimed || claimed.deliveries <= this.env.STEP_MAX_DELIVER) return claimed;
      const error = { code: ErrorCode.INTERNAL, message: `job delivered ${claimed.deliveries - 1} times without completing` };
      await sql.query(`UPDATE orch_jobs SET status = 'failed', error = $2, finished_at = now() WHERE id = $1`, [
        m.jobId,
        JSON.stringify(error),
      ]);
      return 'given-up' as const;
    });
    if (row === 'given-up') this.jobEvent(tenantId, m.jobId, 'failed');
    if (!row || row === 'given-up') {
      raw.ack();
      return;
    }
    try {
      const relay = row.input.relaySubject ? new NatsRelay(this.nats, row.input.relaySubject, row.id, 5_000) : undefined;
      await this.cancellation.track(`job:${tenantId}:${row.id}`, (signal) => this.execute(tenantId, row, signal, relay));
    } catch (err) {
      // The outcome could not be recorded: the message is redelivered and the job runs again.
      if (dependencyUnavailable(err)) throw err;
      if (!isCancelled(err)) this.log.warn({ msg: 'job failed', jobId: row.id, err: (err as Error).message });
    }
    raw.ack();
  }

  /** Publishes queued jobs whose dispatch was never confirmed (publish failed, or a crash right after commit). */
  async redispatchStale(tenantId: TenantId, graceMs: number): Promise<void> {
    const stale = await this.db.tenant(tenantId, (sql) =>
      sql.query<{ id: string }>(
        `SELECT id FROM orch_jobs WHERE status = 'queued' AND dispatched_at IS NULL
         AND created_at <= now() - make_interval(secs => $1::double precision / 1000) ORDER BY created_at LIMIT 500`,
        [graceMs],
      ),
    );
    for (const { id } of stale) await this.dispatch(tenantId, id);
  }

  /** True when the job's message is on the queue; otherwise the sweep publishes it later. */
  private async dispatch(tenantId: TenantId, jobId: string): Promise<boolean> {
    try {
      await this.queue.publish({ kind: 'job', tenantId, jobId, attempt: 1 });
      await this.db.tenant(tenantId, (sql) =>
        sql.query(`UPDATE orch_jobs SET dispatched_at = now() WHERE id = $1 AND dispatched_at IS NULL`, [jobId]),
      );
      return true;
    } catch (err) {
      this.log.warn({ msg: 'job dispatch failed; sweep will retry', jobId, err: (err as Error).message });
      return false;
    }
  }

  /** An inference step of a workflow: the step is the durable unit, so the job runs inline. */
  async runForStep(tenantId: TenantId, principal: string, s: StepInference, signal: AbortSignal): Promise<unknown> {
    const id = randomUUID();
    const row = await this.db.tenant(
      tenantId,
      async (sql) =>
        (
          await sql.query<JobRow>(
            `INSERT INTO orch_jobs (id, status, model, input, priority, tier, resources, max_output_tokens, stream, run_id, step_id, created_by, started_at)
       VALUES ($1, 'running', $2, $3, $4, 'standard', $5, $6, false, $7, $8, $9, now()) RETURNING *`,
            [
              id,
              s.model,
              JSON.stringify({ messages: s.messages }),
              s.priority ?? 100,
              JSON.stringify(DEFAULT_RESOURCES),
              s.maxOutputTokens ?? 256,
              s.runId,
              s.stepId,
              principal,
            ],
          )
        )[0]!,
    );
    const done = await this.execute(tenantId, row, signal);
    return { jobId: id, content: done.output?.content, usage: done.usage, placement: done.placement };
  }

  private async execute(tenantId: TenantId, row: JobRow, signal: AbortSignal, relay?: NatsRelay): Promise<JobInfo> {
    const started = performance.now();
    let placement: Placement | undefined;
    try {
      // A preempted job goes back to the scheduler's queue and runs again from the start.
      for (;;) {
        const placed = await this.scheduler.place(
          {
            jobId: row.id,
            tenantId,
            tier: row.tier,
            model: row.model,
            priority: row.priority,
            promptTokens: estimateTokens(row.input.messages),
            maxOutputTokens: row.max_output_tokens,
            resources: row.resources,
            spotTolerant: false,
          },
          signal,
        );
        placement = placed;
        await this.db.tenant(tenantId, (sql) =>
          sql.query(`UPDATE orch_jobs SET pool = $2, node = $3, backend_url = $4 WHERE id = $1`, [
            row.id,
            placed.pool,
            placed.node,
            placed.backendUrl,
          ]),
        );
        this.jobEvent(tenantId, row.id, 'running', placed.pool);
        const result = await this.cancellation.track(
          `job-preempt:${row.id}`,
          (preempt) =>
            chatCompletion(
              placed.backendUrl,
              {
                model: row.model,
                messages: row.input.messages,
                maxTokens: row.max_output_tokens,
                stream: row.stream || relay !== undefined,
              },
              {
                signal: AbortSignal.any([signal, preempt, AbortSignal.timeout(this.env.INFERENCE_TIMEOUT_MS)]),
                onDelta: relay ? (t) => relay.delta(t) : undefined,
              },
            ).catch((err: unknown) => {
              if (preempt.aborted && !signal.aborted) return undefined;
              throw err;
            }),
          signal,
        );
        if (!result) {
          this.jobEvent(tenantId, row.id, 'preempted', placed.pool);
          continue;
        }
        const pool = placed.pool;
        const finished = await this.db.tenant(tenantId, async (sql) => {
          const rows = await sql.query<JobRow>(
            `UPDATE orch_jobs SET status = 'succeeded', output = $2, prompt_tokens = $3, completion_tokens = $4, finished_at = now()
           WHERE id = $1 AND status = 'running' RETURNING *`,
            [
              row.id,
              JSON.stringify({ content: result.content, finishReason: result.finishReason }),
              result.promptTokens,
              result.completionTokens,
            ],
          );
          if (rows[0]) {
            await recordUsage(sql, {
              kind: 'inference',
              subject: row.model,
              error: false,
              latencyMs: performance.now() - started,
              promptTokens: result.promptTokens,
              completionTokens: result.completionTokens,
            });
          }
          return rows[0] ?? (await this.row(sql, row.id))!;
        });
        this.jobEvent(tenantId, row.id, finished.status, pool);
        this.wake(row.id);
        if (finished.status !== 'succeeded') throw cancelledError('job', { jobId: row.id });
        return jobInfo(finished);
      }
    } catch (err) {
      const error = isCancelled(err) || signal.aborted ? cancelledError('job', { jobId: row.id }) : err;
      // A queued job whose database went away is run again on redelivery instead of failing.
      if (!row.run_id && dependencyUnavailable(error)) throw error;
      if (!isCancelled(error)) {
        const body = error instanceof DomainError ? error.toBody() : { code: ErrorCode.INTERNAL, message: 'inference failed' };
        await this.db.tenant(tenantId, async (sql) => {
          const rows = await sql.query(
            `UPDATE orch_jobs SET status = 'failed', error = $2, finished_at = now() WHERE id = $1 AND status = 'running' RETURNING id`,
            [row.id, JSON.stringify(body)],
          );
          if (rows.length)
            await recordUsage(sql, { kind: 'inference', subject: row.model, error: true, latencyMs: performance.now() - started });
        });
        this.jobEvent(tenantId, row.id, 'failed', placement?.pool);
        this.wake(row.id);
      }
      throw error;
    } finally {
      this.scheduler.release(row.id);
    }
  }

  private async waitFor(tenantId: TenantId, jobId: string, timeoutMs: number): Promise<JobInfo> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const info = await this.get(tenantId, jobId);
      if (['succeeded', 'failed', 'cancelled'].includes(info.status) || Date.now() >= deadline) return info;
      // Woken at once when this replica finishes it; polling covers a job run by another replica.
      await new Promise<void>((resolve) => {
        let set = this.waiters.get(jobId);
        if (!set) this.waiters.set(jobId, (set = new Set()));
        const done = () => {
          clearTimeout(t);
          set.delete(done);
          resolve();
        };
        const t = setTimeout(done, Math.min(250, Math.max(0, deadline - Date.now())));
        set.add(done);
      });
    }
  }

  private wake(jobId: string) {
    for (const w of this.waiters.get(jobId) ?? []) w();
    this.waiters.delete(jobId);
  }

  private async row(sql: Sql, id: string): Promise<JobRow | undefined> {
    return (await sql.query<JobRow>(`SELECT * FROM orch_jobs WHERE id = $1`, [id]))[0];
  }

  private jobEvent(tenantId: TenantId, jobId: string, status: string, pool?: string) {
    this.events.publish(JobChanged, { jobId, status, ...(pool ? { pool } : {}) }, { tenantId, subject: jobId });
  }
}
