import type { RunInfo, StepAttemptInfo, StepInfo, WorkflowInfo, WorkflowSummary } from '#contracts';
import type { IdempotentSubmission } from '../persistence/idempotency.js';
import type { Sql } from '../persistence/orchestrator-db.js';
import type { StepStatus, WorkflowDefinition } from './definition.js';

export interface ErrorJson {
  code: string;
  message: string;
  details?: Record<string, unknown>;
}

export interface RunRow {
  id: string;
  workflow_name: string;
  workflow_version: number;
  status: RunInfo['status'];
  input: Record<string, unknown>;
  output: unknown;
  error: ErrorJson | null;
  parent_run_id: string | null;
  parent_step_id: string | null;
  depth: number;
  created_by: string;
  created_at: Date;
  finished_at: Date | null;
  request_hash: string | null;
}
export interface StepRow {
  run_id: string;
  step_id: string;
  status: StepStatus;
  attempt: number;
  input: unknown;
  output: unknown;
  error: ErrorJson | null;
  not_before: Date | null;
  dispatched_at: Date | null;
  child_run_id: string | null;
  started_at: Date | null;
  finished_at: Date | null;
}
interface WorkflowRow {
  name: string;
  version: number;
  definition: WorkflowDefinition;
  description: string | null;
  created_by: string;
  created_at: Date;
}

export function workflowInfo(r: WorkflowRow): WorkflowInfo {
  return {
    name: r.name,
    version: r.version,
    description: r.description,
    definition: r.definition as unknown as Record<string, unknown>,
    createdBy: r.created_by,
    createdAt: r.created_at.toISOString(),
  };
}

export function runInfo(r: RunRow, steps?: StepRow[], attempts?: (StepAttemptInfo & { step_id: string })[]): RunInfo {
  return {
    id: r.id,
    workflow: r.workflow_name,
    workflowVersion: r.workflow_version,
    status: r.status,
    input: r.input,
    output: r.output ?? null,
    error: r.error,
    parentRunId: r.parent_run_id,
    createdBy: r.created_by,
    createdAt: r.created_at.toISOString(),
    finishedAt: r.finished_at?.toISOString() ?? null,
    ...(steps
      ? {
          steps: steps.map((s): StepInfo => ({
            stepId: s.step_id,
            status: s.status,
            attempt: s.attempt,
            input: s.input ?? null,
            output: s.output ?? null,
            error: s.error,
            childRunId: s.child_run_id,
            startedAt: s.started_at?.toISOString() ?? null,
            finishedAt: s.finished_at?.toISOString() ?? null,
            attempts: (attempts ?? []).filter((a) => a.step_id === s.step_id).map(({ step_id: _s, ...a }) => a),
          })),
        }
      : {}),
  };
}

/** Cursor = base64 of "<created_at ISO>|<id>" for stable keyset pagination, newest first. */
export function encodeCursor(createdAt: Date, id: string): string {
  return Buffer.from(`${createdAt.toISOString()}|${id}`).toString('base64url');
}
export function decodeCursor(cursor: string | undefined): { at: string; id: string } | undefined {
  if (!cursor) return undefined;
  const [at, id] = Buffer.from(cursor, 'base64url').toString().split('|');
  return at && id && !Number.isNaN(Date.parse(at)) && /^[0-9a-f-]{36}$/.test(id) ? { at, id } : undefined;
}

/** Tenant-scoped SQL for workflow definitions, runs, steps and attempts. */
export class WorkflowRepository {
  constructor(readonly sql: Sql) {}

  async createWorkflow(name: string, definition: WorkflowDefinition, description: string | null, by: string): Promise<WorkflowRow> {
    // Serialises concurrent creates of one name so versions are dense and unique.
    await this.sql.query(`SELECT pg_advisory_xact_lock(hashtext($1))`, [`orch-workflow:${name}`]);
    const rows = await this.sql.query<WorkflowRow>(
      `INSERT INTO orch_workflows (name, version, definition, description, created_by)
       SELECT $1, COALESCE(MAX(version), 0) + 1, $2, $3, $4 FROM orch_workflows WHERE name = $1 RETURNING *`,
      [name, JSON.stringify(definition), description, by],
    );
    return rows[0]!;
  }

  async workflow(name: string, version?: number): Promise<WorkflowRow | undefined> {
    const rows = await this.sql.query<WorkflowRow>(
      `SELECT * FROM orch_workflows WHERE name = $1 AND ($2::int IS NULL OR version = $2) ORDER BY version DESC LIMIT 1`,
      [name, version ?? null],
    );
    return rows[0];
  }

  async workflows(limit: number, after?: string): Promise<WorkflowSummary[]> {
    const rows = await this.sql.query<{ name: string; latest: number; description: string | null; updated: Date }>(
      `SELECT DISTINCT ON (name) name, version AS latest, description, created_at AS updated FROM orch_workflows
       WHERE ($1::text IS NULL OR name > $1) ORDER BY name, version DESC LIMIT $2`,
      [after ?? null, limit],
    );
    return rows.map((r) => ({ name: r.name, latestVersion: r.latest, description: r.description, updatedAt: r.updated.toISOString() }));
  }

  async insertRun(
    r: {
      id: string;
      workflow: string;
      version: number;
      input: unknown;
      by: string;
      parentRunId?: string;
      parentStepId?: string;
      depth: number;
      submission?: IdempotentSubmission;
    },
    stepIds: string[],
  ): Promise<RunRow> {
    const [run] = await this.sql.query<RunRow>(
      `INSERT INTO orch_runs (id, workflow_name, workflow_version, status, input, parent_run_id, parent_step_id, depth, created_by, idempotency_key, request_hash)
       VALUES ($1, $2, $3, 'running', $4, $5, $6, $7, $8, $9, $10) RETURNING *`,
      [
        r.id,
        r.workflow,
        r.version,
        JSON.stringify(r.input ?? {}),
        r.parentRunId ?? null,
        r.parentStepId ?? null,
        r.depth,
        r.by,
        r.submission?.key ?? null,
        r.submission?.requestHash ?? null,
      ],
    );
    await this.sql.query(`INSERT INTO orch_steps (run_id, step_id, status) SELECT $1, unnest($2::text[]), 'pending'`, [r.id, stepIds]);
    return run!;
  }

  async run(id: string, forUpdate = false): Promise<RunRow | undefined> {
    return (await this.sql.query<RunRow>(`SELECT * FROM orch_runs WHERE id = $1${forUpdate ? ' FOR UPDATE' : ''}`, [id]))[0];
  }

  async runs(f: { status?: string; workflow?: string; limit: number; cursor?: { at: string; id: string } }): Promise<RunRow[]> {
    return this.sql.query<RunRow>(
      `SELECT * FROM orch_runs WHERE ($1::text IS NULL OR status = $1) AND ($2::text IS NULL OR workflow_name = $2)
       AND ($3::timestamptz IS NULL OR (created_at, id) < ($3::timestamptz, $4::uuid))
       ORDER BY created_at DESC, id DESC LIMIT $5`,
      [f.status ?? null, f.workflow ?? null, f.cursor?.at ?? null, f.cursor?.id ?? null, f.limit],
    );
  }

  async steps(runId: string): Promise<StepRow[]> {
    return this.sql.query<StepRow>(`SELECT * FROM orch_steps WHERE run_id = $1 ORDER BY started_at NULLS LAST, step_id`, [runId]);
  }

  async step(runId: string, stepId: string, forUpdate = false): Promise<StepRow | undefined> {
    return (
      await this.sql.query<StepRow>(`SELECT * FROM orch_steps WHERE run_id = $1 AND step_id = $2${forUpdate ? ' FOR UPDATE' : ''}`, [
        runId,
        stepId,
      ])
    )[0];
  }

  async attempts(runId: string): Promise<(StepAttemptInfo & { step_id: string })[]> {
    const rows = await this.sql.query<{
      step_id: string;
      attempt: number;
      status: StepAttemptInfo['status'];
      error: ErrorJson | null;
      started_at: Date;
      finished_at: Date | null;
    }>(
      `SELECT step_id, attempt, status, error, started_at, finished_at FROM orch_step_attempts WHERE run_id = $1 ORDER BY step_id, attempt`,
      [runId],
    );
    return rows.map((r) => ({
      step_id: r.step_id,
      attempt: r.attempt,
      status: r.status,
      error: r.error,
      startedAt: r.started_at.toISOString(),
      finishedAt: r.finished_at?.toISOString() ?? null,
    }));
  }

  async queueSteps(runId: string, stepIds: string[]): Promise<void> {
    if (!stepIds.length) return;
    await this.sql.query(
      `UPDATE orch_steps SET status = 'queued', attempt = 1, not_before = now(), dispatched_at = NULL WHERE run_id = $1 AND step_id = ANY($2::text[]) AND status = 'pending'`,
      [runId, stepIds],
    );
  }

  async markDispatched(runId: string, stepId: string, attempt: number): Promise<void> {
    await this.sql.query(
      `UPDATE orch_steps SET dispatched_at = now() WHERE run_id = $1 AND step_id = $2 AND attempt = $3 AND status = 'queued'`,
      [runId, stepId, attempt],
    );
  }

  /** Counts a delivery of a step attempt's message that reached the database; returns the count so far. */
  async countDelivery(runId: string, stepId: string, attempt: number): Promise<number> {
    const [row] = await this.sql.query<{ deliveries: number }>(
      `INSERT INTO orch_step_attempts (run_id, step_id, attempt, status, deliveries) VALUES ($1, $2, $3, 'running', 1)
       ON CONFLICT (run_id, step_id, attempt) DO UPDATE SET deliveries = orch_step_attempts.deliveries + 1 RETURNING deliveries`,
      [runId, stepId, attempt],
    );
    return row!.deliveries;
  }

  async startAttempt(runId: string, stepId: string, attempt: number, input: unknown): Promise<void> {
    await this.sql.query(
      `UPDATE orch_steps SET status = 'running', input = $4, started_at = COALESCE(started_at, now()) WHERE run_id = $1 AND step_id = $2 AND attempt = $3`,
      [runId, stepId, attempt, JSON.stringify(input ?? null)],
    );
    await this.sql.query(
      `INSERT INTO orch_step_attempts (run_id, step_id, attempt, status) VALUES ($1, $2, $3, 'running') ON CONFLICT DO NOTHING`,
      [runId, stepId, attempt],
    );
  }

  async finishAttempt(
    runId: string,
    stepId: string,
    attempt: number,
    status: 'succeeded' | 'failed' | 'cancelled',
    error: ErrorJson | null,
  ): Promise<void> {
    await this.sql.query(
      `INSERT INTO orch_step_attempts (run_id, step_id, attempt, status, error, finished_at) VALUES ($1, $2, $3, $4, $5, now())
       ON CONFLICT (run_id, step_id, attempt) DO UPDATE SET status = EXCLUDED.status, error = EXCLUDED.error, finished_at = now()`,
      [runId, stepId, attempt, status, error ? JSON.stringify(error) : null],
    );
  }

  async setStep(
    runId: string,
    stepId: string,
    patch: {
      status: StepStatus;
      output?: unknown;
      error?: ErrorJson | null;
      attempt?: number;
      notBefore?: Date;
      childRunId?: string | null;
      finished?: boolean;
    },
  ): Promise<void> {
    await this.sql.query(
      `UPDATE orch_steps SET status = $3,
         output = CASE WHEN $4::boolean THEN $5::jsonb ELSE output END,
         error = CASE WHEN $6::boolean THEN $7::jsonb ELSE error END,
         attempt = COALESCE($8, attempt),
         not_before = COALESCE($9, not_before),
         dispatched_at = CASE WHEN $3 = 'queued' THEN NULL ELSE dispatched_at END,
         child_run_id = CASE WHEN $10::boolean THEN $11::uuid ELSE child_run_id END,
         finished_at = CASE WHEN $12::boolean THEN now() ELSE finished_at END
       WHERE run_id = $1 AND step_id = $2`,
      [
        runId,
        stepId,
        patch.status,
        patch.output !== undefined,
        JSON.stringify(patch.output ?? null),
        patch.error !== undefined,
        patch.error ? JSON.stringify(patch.error) : null,
        patch.attempt ?? null,
        patch.notBefore ?? null,
        patch.childRunId !== undefined,
        patch.childRunId ?? null,
        patch.finished ?? false,
      ],
    );
  }

  async finishRun(id: string, status: 'succeeded' | 'failed' | 'cancelled', output: unknown, error: ErrorJson | null): Promise<void> {
    await this.sql.query(
      `UPDATE orch_runs SET status = $2, output = $3, error = $4, finished_at = now(), updated_at = now() WHERE id = $1`,
      [id, status, output === undefined ? null : JSON.stringify(output), error ? JSON.stringify(error) : null],
    );
  }

  /** Steps that never started are cancelled when their run ends early. */
  async cancelOpenSteps(runId: string): Promise<string[]> {
    const rows = await this.sql.query<{ step_id: string }>(
      `UPDATE orch_steps SET status = 'cancelled', finished_at = now() WHERE run_id = $1 AND status IN ('pending', 'queued', 'running') RETURNING step_id`,
      [runId],
    );
    return rows.map((r) => r.step_id);
  }

  async childRuns(parentRunId: string): Promise<string[]> {
    return (
      await this.sql.query<{ id: string }>(`SELECT id FROM orch_runs WHERE parent_run_id = $1 AND status = 'running'`, [parentRunId])
    ).map((r) => r.id);
  }

  /** Queued steps whose dispatch was never confirmed (crash between commit and publish, or a retry timer lost). */
  async undispatched(graceMs: number, limit: number): Promise<{ run_id: string; step_id: string; attempt: number }[]> {
    return this.sql.query(
      `SELECT run_id, step_id, attempt FROM orch_steps WHERE status = 'queued' AND dispatched_at IS NULL
       AND not_before <= now() - make_interval(secs => $1::double precision / 1000) ORDER BY not_before LIMIT $2`,
      [graceMs, limit],
    );
  }
}
