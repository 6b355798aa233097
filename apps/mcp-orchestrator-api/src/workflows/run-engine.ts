import { randomUUID } from 'node:crypto';
import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import type { JsMsg } from 'nats';
import { DomainError, ErrorCode, RunChanged, StepChanged, type RunInfo, type WorkflowInfo } from '#contracts';
import { APP_ENV } from '#env';
import { EventBus } from '#messaging';
import { isTenantId, type TenantId } from '#tenancy';
import { cancelledError, isCancelled } from '../cancellation.js';
import type { OrchestratorApiEnv } from '../env.js';
import { JobService } from '../jobs/job.service.js';
import { earlierSubmission, idempotentSubmission, type IdempotentSubmission } from '../persistence/idempotency.js';
import { OrchestratorDb } from '../persistence/orchestrator-db.js';
import { CallCancellation } from '../registry/call-cancellation.js';
import { RegistryService } from '../registry/registry.service.js';
import { DEFAULT_RETRY, retryDelayMs } from './backoff.js';
import {
  LIMITS,
  readySteps,
  topologicalOrder,
  validateDefinition,
  type StepDefinition,
  type StepStatus,
  type WorkflowDefinition,
} from './definition.js';
import { resolveTemplate, type MappingContext } from './mapping.js';
import { StepQueue, type StepMessage } from './step-queue.js';
import { runInfo, WorkflowRepository, workflowInfo, type ErrorJson, type RunRow, type StepRow } from './workflow.repository.js';

type Outcome = { ok: true; output: unknown } | { ok: false; error: ErrorJson; retryable: boolean };

/** What a transaction decided; carried out only after it committed. */
interface Effects {
  dispatch: StepMessage[];
  retries: { msg: StepMessage; delayMs: number }[];
  events: (() => void)[];
  compensations: { tenantId: TenantId; runId: string }[];
}
/** How long a committed step or job may wait for its first publish before the sweep publishes it. */
const DISPATCH_GRACE_MS = 2_000;

const noEffects = (): Effects => ({ dispatch: [], retries: [], events: [], compensations: [] });

function errorJson(err: unknown): ErrorJson {
  if (err instanceof DomainError)
    return err.details ? { code: err.code, message: err.message, details: err.details } : { code: err.code, message: err.message };
  return { code: ErrorCode.INTERNAL, message: 'step failed unexpectedly' };
}

function toolErrorText(content: unknown[]): string {
  const text = content
    .map((c) => (c && typeof c === 'object' && (c as { type?: string }).type === 'text' ? String((c as { text?: unknown }).text) : ''))
    .join(' ')
    .trim();
  return text.slice(0, 2000) || 'tool returned an error';
}

/**
 * Durable workflow runs. State lives in the tenant's schema; every state change happens in one
 * transaction that locks the run row (so fan-in completions serialise), and the follow-up work it
 * decides (dispatching steps, retries, events, compensation) happens after commit. Steps travel
 * through JetStream; a step attempt executes only while its row says so, and reaches the upstream
 * with an idempotency key per attempt, so a redelivered message after a crash (kill -9) resumes the
 * same attempt instead of starting a second one, and completes it at most once.
 */
@Injectable()
export class RunEngine implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly log = new Logger('workflows');
  private readonly definitions = new Map<string, WorkflowDefinition>();
  private readonly timers = new Set<NodeJS.Timeout>();
  private sweepTimer?: NodeJS.Timeout;
  private sweeping = false;
  private stopping = false;

  constructor(
    private readonly db: OrchestratorDb,
    private readonly queue: StepQueue,
    private readonly registry: RegistryService,
    private readonly jobs: JobService,
    private readonly events: EventBus,
    private readonly cancellation: CallCancellation,
    @Inject(APP_ENV) private readonly env: OrchestratorApiEnv,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    await this.queue.setup();
    await this.queue.consume(this.env.STEP_CONCURRENCY, (m, raw) => (m.kind === 'job' ? this.jobs.handle(m, raw) : this.handle(m, raw)));
    this.sweepTimer = setInterval(() => void this.sweep(), this.env.STEP_SWEEP_INTERVAL_MS);
    this.sweepTimer.unref();
    void this.sweep();
  }

  onApplicationShutdown(): void {
    this.stopping = true;
    clearInterval(this.sweepTimer);
    for (const t of this.timers) clearTimeout(t);
  }

  // ---- API ----

  async createWorkflow(
    tenantId: TenantId,
    name: string,
    definition: WorkflowDefinition,
    description: string | null,
    by: string,
  ): Promise<WorkflowInfo> {
    const problems = validateDefinition(definition);
    if (problems.length) throw new DomainError(ErrorCode.VALIDATION_FAILED, `Invalid workflow definition: ${problems[0]}`, { problems });
    const row = await this.db.tenant(tenantId, (sql) => new WorkflowRepository(sql).createWorkflow(name, definition, description, by));
    return workflowInfo(row);
  }

  async getWorkflow(tenantId: TenantId, name: string, version?: number): Promise<WorkflowInfo> {
    const row = await this.db.tenant(tenantId, (sql) => new WorkflowRepository(sql).workflow(name, version));
    if (!row) throw new DomainError(ErrorCode.NOT_FOUND, `No workflow "${name}"${version ? ` version ${version}` : ''}`, { name, version });
    return workflowInfo(row);
  }

  async startRun(
    tenantId: TenantId,
    req: { workflow: string; version?: number; input?: Record<string, unknown>; by: string; idempotencyKey?: string },
  ): Promise<RunInfo> {
    const effects = noEffects();
    const submission = idempotentSubmission(req.idempotencyKey, { workflow: req.workflow, version: req.version, input: req.input ?? {} });
    const run = await this.db.tenant(tenantId, async (sql) => {
      const earlier = submission && (await earlierSubmission<RunRow>(sql, 'orch_runs', submission));
      if (earlier) return earlier;
      const repo = new WorkflowRepository(sql);
      const wf = await repo.workflow(req.workflow, req.version);
      if (!wf)
        throw new DomainError(ErrorCode.NOT_FOUND, `No workflow "${req.workflow}"`, { workflow: req.workflow, version: req.version });
      return this.createRun(repo, tenantId, wf.name, wf.version, wf.definition, req.input ?? {}, req.by, effects, undefined, submission);
    });
    await this.apply(effects);
    return runInfo(run);
  }

  async getRun(tenantId: TenantId, runId: string, withSteps: boolean): Promise<RunInfo> {
    return this.db.tenant(tenantId, async (sql) => {
      const repo = new WorkflowRepository(sql);
      const run = await repo.run(runId);
      if (!run) throw new DomainError(ErrorCode.NOT_FOUND, `No run ${runId}`, { runId });
      return withSteps ? runInfo(run, await repo.steps(runId), await repo.attempts(runId)) : runInfo(run);
    });
  }

  async cancelRun(tenantId: TenantId, runId: string): Promise<RunInfo> {
    const effects = noEffects();
    const cancelled: string[] = [];
    const info = await this.db.tenant(tenantId, async (sql) => {
      const repo = new WorkflowRepository(sql);
      const run = await repo.run(runId, true);
      if (!run) throw new DomainError(ErrorCode.NOT_FOUND, `No run ${runId}`, { runId });
      if (run.status !== 'running')
        throw new DomainError(ErrorCode.CONFLICT, `Run ${runId} already ${run.status}`, { runId, status: run.status });
      await this.cancelTree(repo, tenantId, run, cancelled, effects);
      return runInfo((await repo.run(runId))!, await repo.steps(runId), await repo.attempts(runId));
    });
    for (const id of cancelled) this.cancellation.cancel(`run:${tenantId}:${id}`);
    await this.apply(effects);
    return info;
  }

  // ---- run creation and state transitions (inside a tenant transaction) ----

  private async createRun(
    repo: WorkflowRepository,
    tenantId: TenantId,
    name: string,
    version: number,
    def: WorkflowDefinition,
    input: unknown,
    by: string,
    effects: Effects,
    parent?: { runId: string; stepId: string; depth: number },
    submission?: IdempotentSubmission,
  ): Promise<RunRow> {
    const run = await repo.insertRun(
      {
        id: randomUUID(),
        workflow: name,
        version,
        input,
        by,
        parentRunId: parent?.runId,
        parentStepId: parent?.stepId,
        depth: parent ? parent.depth + 1 : 0,
        submission,
      },
      def.steps.map((s) => s.id),
    );
    const ready = readySteps(def, new Map(def.steps.map((s) => [s.id, 'pending' as StepStatus])));
    await repo.queueSteps(run.id, ready);
    effects.dispatch.push(...ready.map((stepId) => ({ tenantId, runId: run.id, stepId, attempt: 1 })));
    effects.events.push(() => this.runEvent(tenantId, run.id, name, 'running'));
    return run;
  }

  private async cancelTree(repo: WorkflowRepository, tenantId: TenantId, run: RunRow, cancelled: string[], effects: Effects) {
    await repo.cancelOpenSteps(run.id);
    await repo.sql.query(
      `UPDATE orch_step_attempts SET status = 'cancelled', finished_at = now() WHERE run_id = $1 AND status = 'running'`,
      [run.id],
    );
    await repo.finishRun(run.id, 'cancelled', undefined, {
      code: ErrorCode.CONFLICT,
      message: 'run was cancelled',
      details: { reason: 'cancelled' },
    });
    cancelled.push(run.id);
    effects.events.push(() => this.runEvent(tenantId, run.id, run.workflow_name, 'cancelled'));
    for (const childId of await repo.childRuns(run.id)) {
      const child = await repo.run(childId, true);
      if (child?.status === 'running') await this.cancelTree(repo, tenantId, child, cancelled, effects);
    }
  }

  /** Records a step attempt's outcome and moves the run on: next steps, retry, failure, completion. */
  private async settle(
    repo: WorkflowRepository,
    tenantId: TenantId,
    runId: string,
    stepId: string,
    attempt: number,
    outcome: Outcome,
    effects: Effects,
  ): Promise<void> {
    const run = await repo.run(runId, true);
    const step = await repo.step(runId, stepId, true);
    if (!run || !step || step.attempt !== attempt || step.status !== 'running') return;
    if (run.status !== 'running') {
      await repo.setStep(runId, stepId, { status: 'cancelled', finished: true });
      await repo.finishAttempt(runId, stepId, attempt, 'cancelled', null);
      return;
    }
    const def = await this.definition(repo, tenantId, run.workflow_name, run.workflow_version);
    const sdef = def.steps.find((s) => s.id === stepId)!;
    if (outcome.ok) {
      await repo.setStep(runId, stepId, { status: 'succeeded', output: outcome.output ?? null, error: null, finished: true });
      await repo.finishAttempt(runId, stepId, attempt, 'succeeded', null);
      effects.events.push(() => this.stepEvent(tenantId, runId, stepId, 'succeeded', attempt));
      const steps = await repo.steps(runId);
      const status = new Map(steps.map((s) => [s.step_id, s.status]));
      const ready = readySteps(def, status);
      await repo.queueSteps(runId, ready);
      effects.dispatch.push(...ready.map((id) => ({ tenantId, runId, stepId: id, attempt: 1 })));
      if (steps.every((s) => s.status === 'succeeded')) {
        const ctx = mappingContext(run, steps);
        let output: unknown;
        try {
          output =
            def.output !== undefined
              ? resolveTemplate(def.output, ctx)
              : Object.fromEntries(Object.entries(ctx.steps).map(([k, v]) => [k, v.output]));
        } catch (err) {
          return this.failRun(repo, tenantId, run, def, stepId, errorJson(err), effects);
        }
        await repo.finishRun(runId, 'succeeded', output, null);
        effects.events.push(() => this.runEvent(tenantId, runId, run.workflow_name, 'succeeded'));
        await this.settleParent(repo, tenantId, run, { ok: true, output }, effects);
      }
      return;
    }
    const policy = { ...DEFAULT_RETRY, ...sdef.retry };
    await repo.finishAttempt(runId, stepId, attempt, 'failed', outcome.error);
    if (outcome.retryable && attempt < policy.maxAttempts) {
      const delayMs = retryDelayMs(policy, attempt + 1);
      await repo.setStep(runId, stepId, {
        status: 'queued',
        attempt: attempt + 1,
        error: outcome.error,
        notBefore: new Date(Date.now() + delayMs),
        childRunId: null,
      });
      effects.retries.push({ msg: { tenantId, runId, stepId, attempt: attempt + 1 }, delayMs });
      effects.events.push(() => this.stepEvent(tenantId, runId, stepId, 'retrying', attempt + 1));
      return;
    }
    await repo.setStep(runId, stepId, { status: 'failed', error: outcome.error, finished: true });
    effects.events.push(() => this.stepEvent(tenantId, runId, stepId, 'failed', attempt));
    await this.failRun(repo, tenantId, run, def, stepId, outcome.error, effects);
  }

  private async failRun(
    repo: WorkflowRepository,
    tenantId: TenantId,
    run: RunRow,
    def: WorkflowDefinition,
    stepId: string,
    error: ErrorJson,
    effects: Effects,
  ) {
    await repo.cancelOpenSteps(run.id);
    const runError: ErrorJson = {
      code: error.code,
      message: `step "${stepId}" failed: ${error.message}`,
      details: { ...error.details, step: stepId },
    };
    await repo.finishRun(run.id, 'failed', undefined, runError);
    effects.events.push(() => this.runEvent(tenantId, run.id, run.workflow_name, 'failed', error.code));
    if (def.steps.some((s) => s.compensate)) effects.compensations.push({ tenantId, runId: run.id });
    for (const child of await repo.childRuns(run.id)) {
      const c = await repo.run(child, true);
      if (c) await this.cancelTree(repo, tenantId, c, [], effects);
    }
    await this.settleParent(repo, tenantId, run, { ok: false, error: runError, retryable: true }, effects);
  }

  private async settleParent(repo: WorkflowRepository, tenantId: TenantId, run: RunRow, outcome: Outcome, effects: Effects) {
    if (!run.parent_run_id || !run.parent_step_id) return;
    const parentStep = await repo.step(run.parent_run_id, run.parent_step_id);
    if (parentStep?.child_run_id !== run.id) return;
    await this.settle(repo, tenantId, run.parent_run_id, run.parent_step_id, parentStep.attempt, outcome, effects);
  }

  // ---- step execution ----

  private async handle(m: StepMessage, raw: JsMsg): Promise<void> {
    if (!isTenantId(m?.tenantId) || typeof m.runId !== 'string' || typeof m.stepId !== 'string' || !Number.isInteger(m.attempt)) {
      this.log.warn({ msg: 'dropping malformed step message' });
      raw.term();
      return;
    }
    const tenantId = m.tenantId;
    const effects = noEffects();
    type Claim = { kind: 'skip' } | { kind: 'done' } | { kind: 'exec'; run: RunRow; sdef: StepDefinition; input: unknown };
    const claim = await this.db.tenant(tenantId, async (sql): Promise<Claim> => {
      const repo = new WorkflowRepository(sql);
      const run = await repo.run(m.runId, true);
      const step = await repo.step(m.runId, m.stepId, true);
      if (!run || !step || step.attempt !== m.attempt || (step.status !== 'queued' && step.status !== 'running')) return { kind: 'skip' };
      if (run.status !== 'running') {
        await repo.setStep(run.id, step.step_id, { status: 'cancelled', finished: true });
        return { kind: 'skip' };
      }
      const def = await this.definition(repo, tenantId, run.workflow_name, run.workflow_version);
      const sdef = def.steps.find((s) => s.id === m.stepId)!;
      const fail = async (error: ErrorJson) => {
        await repo.startAttempt(run.id, step.step_id, m.attempt, step.input);
        await this.settle(repo, tenantId, run.id, step.step_id, m.attempt, { ok: false, error, retryable: false }, effects);
        return { kind: 'done' } as const;
      };
      const deliveries = await repo.countDelivery(run.id, step.step_id, m.attempt);
      if (deliveries > this.env.STEP_MAX_DELIVER) {
        return fail({ code: ErrorCode.INTERNAL, message: `step delivered ${deliveries - 1} times without completing` });
      }
      let input: unknown;
      try {
        input = resolveTemplate(sdef.input ?? {}, mappingContext(run, await repo.steps(run.id)));
      } catch (err) {
        return fail(errorJson(err));
      }
      const first = step.status === 'queued';
      await repo.startAttempt(run.id, step.step_id, m.attempt, input);
      if (first) effects.events.push(() => this.stepEvent(tenantId, run.id, step.step_id, 'running', m.attempt));
      if (sdef.kind === 'workflow') {
        if (step.child_run_id) return { kind: 'done' };
        if (run.depth + 1 > LIMITS.maxNesting)
          return fail({ code: ErrorCode.VALIDATION_FAILED, message: `workflows nest deeper than ${LIMITS.maxNesting}` });
        const wf = await repo.workflow(sdef.workflow!.name, sdef.workflow!.version);
        if (!wf) return fail({ code: ErrorCode.NOT_FOUND, message: `no workflow "${sdef.workflow!.name}"` });
        const child = await this.createRun(repo, tenantId, wf.name, wf.version, wf.definition, input, run.created_by, effects, {
          runId: run.id,
          stepId: step.step_id,
          depth: run.depth,
        });
        await repo.setStep(run.id, step.step_id, { status: 'running', childRunId: child.id });
        return { kind: 'done' };
      }
      return { kind: 'exec', run, sdef, input };
    });
    if (claim.kind !== 'exec') {
      await this.apply(effects);
      raw.ack();
      return;
    }
    let outcome: Outcome;
    try {
      const output = await this.cancellation.track(`run:${tenantId}:${m.runId}`, (signal) =>
        this.execute(tenantId, claim.run, claim.sdef, claim.input, m, signal),
      );
      outcome = { ok: true, output };
    } catch (err) {
      outcome = {
        ok: false,
        error: errorJson(err),
        retryable: !isCancelled(err) && !(err instanceof DomainError && err.code === ErrorCode.VALIDATION_FAILED),
      };
      if (!(err instanceof DomainError))
        this.log.error({ msg: 'step failed unexpectedly', runId: m.runId, stepId: m.stepId, err: (err as Error).message });
    }
    await this.db.tenant(tenantId, (sql) =>
      this.settle(new WorkflowRepository(sql), tenantId, m.runId, m.stepId, m.attempt, outcome, effects),
    );
    await this.apply(effects);
    raw.ack();
  }

  private async execute(
    tenantId: TenantId,
    run: RunRow,
    sdef: StepDefinition,
    input: unknown,
    m: StepMessage,
    cancel: AbortSignal,
  ): Promise<unknown> {
    const timeoutMs = sdef.timeoutMs ?? this.env.STEP_DEFAULT_TIMEOUT_MS;
    const timeout = AbortSignal.timeout(timeoutMs);
    const signal = AbortSignal.any([cancel, timeout]);
    const idempotencyKey = `${tenantId}:${run.id}:${sdef.id}:${m.attempt}`;
    try {
      if (sdef.kind === 'tool') {
        const args = input && typeof input === 'object' && !Array.isArray(input) ? (input as Record<string, unknown>) : { value: input };
        const reply = await this.registry.callTool(tenantId, {
          server: sdef.tool!.server,
          tool: sdef.tool!.name,
          arguments: args,
          timeoutMs,
          signal,
          idempotencyKey,
        });
        if (reply.result.isError) {
          throw new DomainError(ErrorCode.UPSTREAM_ERROR, toolErrorText(reply.result.content), {
            server: sdef.tool!.server,
            tool: sdef.tool!.name,
          });
        }
        return reply.result.structuredContent ?? { content: reply.result.content };
      }
      const messages = (input as { messages?: unknown })?.messages;
      if (!Array.isArray(messages))
        throw new DomainError(ErrorCode.VALIDATION_FAILED, 'an inference step input must resolve to { messages: [...] }');
      return await this.jobs.runForStep(
        tenantId,
        run.created_by,
        {
          model: sdef.inference!.model,
          messages: messages as never,
          maxOutputTokens: sdef.inference!.maxOutputTokens,
          priority: sdef.inference!.priority,
          runId: run.id,
          stepId: sdef.id,
        },
        signal,
      );
    } catch (err) {
      if (timeout.aborted && !cancel.aborted)
        throw new DomainError(ErrorCode.UPSTREAM_TIMEOUT, `step "${sdef.id}" timed out after ${timeoutMs} ms`, { timeoutMs });
      if (cancel.aborted) throw cancelledError('step', { step: sdef.id });
      throw err;
    }
  }

  // ---- after-commit effects, recovery ----

  private async apply(effects: Effects): Promise<void> {
    for (const e of effects.events) e();
    await Promise.all(effects.dispatch.map((m) => this.dispatch(m)));
    for (const r of effects.retries) {
      const t = setTimeout(() => {
        this.timers.delete(t);
        void this.dispatch(r.msg);
      }, r.delayMs);
      this.timers.add(t);
    }
    for (const c of effects.compensations) void this.compensate(c.tenantId, c.runId);
  }

  private async dispatch(m: StepMessage): Promise<void> {
    if (this.stopping) return;
    try {
      await this.queue.publish(m);
      await this.db.tenant(m.tenantId as TenantId, (sql) => new WorkflowRepository(sql).markDispatched(m.runId, m.stepId, m.attempt));
    } catch (err) {
      // Left undispatched: the sweep publishes it again.
      this.log.warn({ msg: 'step dispatch failed; sweep will retry', runId: m.runId, stepId: m.stepId, err: (err as Error).message });
    }
  }

  private async sweep(): Promise<void> {
    if (this.sweeping || this.stopping) return;
    this.sweeping = true;
    try {
      for (const tenantId of await this.db.knownTenants()) {
        const stale = await this.db.tenant(tenantId, (sql) => new WorkflowRepository(sql).undispatched(DISPATCH_GRACE_MS, 500));
        for (const s of stale) await this.dispatch({ tenantId, runId: s.run_id, stepId: s.step_id, attempt: s.attempt });
        await this.jobs.redispatchStale(tenantId, DISPATCH_GRACE_MS);
      }
    } catch (err) {
      this.log.warn({ msg: 'dispatch sweep failed', err: (err as Error).message });
    } finally {
      this.sweeping = false;
    }
  }

  /** Best effort, after the failure committed: undo succeeded steps in reverse dependency order. */
  private async compensate(tenantId: TenantId, runId: string): Promise<void> {
    const { run, steps, def } = await this.db.tenant(tenantId, async (sql) => {
      const repo = new WorkflowRepository(sql);
      const r = (await repo.run(runId))!;
      return { run: r, steps: await repo.steps(runId), def: await this.definition(repo, tenantId, r.workflow_name, r.workflow_version) };
    });
    const done = new Map(steps.filter((s) => s.status === 'succeeded').map((s) => [s.step_id, s]));
    const order = (topologicalOrder(def) ?? []).reverse();
    for (const id of order) {
      const sdef = def.steps.find((s) => s.id === id)!;
      if (!sdef.compensate || !done.has(id)) continue;
      let record: Record<string, unknown>;
      try {
        const args = resolveTemplate(sdef.compensate.input ?? {}, mappingContext(run, steps)) as Record<string, unknown>;
        const reply = await this.registry.callTool(tenantId, {
          server: sdef.compensate.server,
          tool: sdef.compensate.name,
          arguments: args,
          idempotencyKey: `${tenantId}:${runId}:${id}:compensate`,
        });
        record = { status: reply.result.isError ? 'failed' : 'succeeded', at: new Date().toISOString() };
      } catch (err) {
        record = { status: 'failed', error: errorJson(err), at: new Date().toISOString() };
      }
      await this.db.tenant(tenantId, (sql) =>
        sql.query(`UPDATE orch_steps SET compensation = $3 WHERE run_id = $1 AND step_id = $2`, [runId, id, JSON.stringify(record)]),
      );
    }
  }

  private async definition(repo: WorkflowRepository, tenantId: TenantId, name: string, version: number): Promise<WorkflowDefinition> {
    const key = `${tenantId}/${name}/${version}`;
    let def = this.definitions.get(key);
    if (!def) {
      const wf = await repo.workflow(name, version);
      if (!wf) throw new DomainError(ErrorCode.NOT_FOUND, `workflow ${name} v${version} is gone`);
      def = wf.definition;
      this.definitions.set(key, def);
    }
    return def;
  }

  private runEvent(tenantId: TenantId, runId: string, workflow: string, status: string, errorCode?: string) {
    this.events.publish(RunChanged, { runId, workflow, status, ...(errorCode ? { errorCode } : {}) }, { tenantId, subject: runId });
  }

  private stepEvent(tenantId: TenantId, runId: string, stepId: string, status: string, attempt: number) {
    this.events.publish(StepChanged, { runId, stepId, status, attempt }, { tenantId, subject: `${runId}/${stepId}` });
  }
}

function mappingContext(run: RunRow, steps: StepRow[]): MappingContext {
  return {
    input: run.input,
    steps: Object.fromEntries(steps.filter((s) => s.status === 'succeeded').map((s) => [s.step_id, { output: s.output }])),
  };
}
