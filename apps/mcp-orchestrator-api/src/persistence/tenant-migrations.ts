// DDL for the orchestrator's tables inside one schema. The same statements build a tenant schema
// (`tenant_<id>`: runs, jobs, usage, the tenant's private servers) and the global registry schema,
// so tenant-private and global tool registries share one code path that differs only in search_path.
// Tables are prefixed `orch_` because tenant schemas are shared with the other apps' tables.
// Append new entries; never edit an applied one.
export const SCHEMA_MIGRATIONS: readonly { version: number; name: string; scopes: readonly ('global' | 'tenant')[]; sql: string }[] = [
  {
    version: 1,
    name: 'registry',
    scopes: ['global', 'tenant'],
    sql: `
CREATE TABLE IF NOT EXISTS orch_servers (
  name text PRIMARY KEY,
  url text NOT NULL,
  version text,
  auth jsonb,
  quarantine_on_change boolean NOT NULL DEFAULT true,
  status text NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'unreachable')),
  catalog jsonb NOT NULL DEFAULT '{"resources":[],"resourceTemplates":[],"prompts":[]}',
  last_refreshed_at timestamptz,
  last_error text,
  created_by text NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now()
);
CREATE TABLE IF NOT EXISTS orch_tool_versions (
  server text NOT NULL REFERENCES orch_servers(name) ON DELETE CASCADE,
  name text NOT NULL,
  version integer NOT NULL,
  hash text NOT NULL,
  definition jsonb NOT NULL,
  status text NOT NULL CHECK (status IN ('active', 'quarantined', 'superseded', 'removed')),
  first_seen_at timestamptz NOT NULL DEFAULT now(),
  approved_by text,
  approved_at timestamptz,
  PRIMARY KEY (server, name, version)
);
CREATE INDEX IF NOT EXISTS orch_tool_versions_current ON orch_tool_versions (server, name) WHERE status IN ('active', 'quarantined');
`,
  },
  {
    version: 2,
    name: 'workflows',
    scopes: ['tenant'],
    sql: `
CREATE TABLE IF NOT EXISTS orch_workflows (
  name text NOT NULL,
  version integer NOT NULL,
  definition jsonb NOT NULL,
  description text,
  created_by text NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (name, version)
);
CREATE TABLE IF NOT EXISTS orch_runs (
  id uuid PRIMARY KEY,
  workflow_name text NOT NULL,
  workflow_version integer NOT NULL,
  status text NOT NULL CHECK (status IN ('running', 'succeeded', 'failed', 'cancelled')),
  input jsonb NOT NULL,
  output jsonb,
  error jsonb,
  parent_run_id uuid,
  parent_step_id text,
  depth integer NOT NULL DEFAULT 0,
  created_by text NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  finished_at timestamptz
);
CREATE INDEX IF NOT EXISTS orch_runs_by_status ON orch_runs (status, created_at DESC);
CREATE INDEX IF NOT EXISTS orch_runs_by_workflow ON orch_runs (workflow_name, created_at DESC);
CREATE TABLE IF NOT EXISTS orch_steps (
  run_id uuid NOT NULL REFERENCES orch_runs(id) ON DELETE CASCADE,
  step_id text NOT NULL,
  status text NOT NULL CHECK (status IN ('pending', 'queued', 'running', 'succeeded', 'failed', 'cancelled', 'skipped')),
  attempt integer NOT NULL DEFAULT 0,
  input jsonb,
  output jsonb,
  error jsonb,
  not_before timestamptz,
  dispatched_at timestamptz,
  child_run_id uuid,
  started_at timestamptz,
  finished_at timestamptz,
  compensation jsonb,
  PRIMARY KEY (run_id, step_id)
);
CREATE INDEX IF NOT EXISTS orch_steps_undispatched ON orch_steps (not_before) WHERE status = 'queued' AND dispatched_at IS NULL;
CREATE TABLE IF NOT EXISTS orch_step_attempts (
  run_id uuid NOT NULL,
  step_id text NOT NULL,
  attempt integer NOT NULL,
  status text NOT NULL CHECK (status IN ('running', 'succeeded', 'failed', 'cancelled')),
  error jsonb,
  started_at timestamptz NOT NULL DEFAULT now(),
  finished_at timestamptz,
  PRIMARY KEY (run_id, step_id, attempt),
  FOREIGN KEY (run_id, step_id) REFERENCES orch_steps(run_id, step_id) ON DELETE CASCADE
);
`,
  },
  {
    version: 3,
    name: 'jobs-and-usage',
    scopes: ['tenant'],
    sql: `
CREATE TABLE IF NOT EXISTS orch_jobs (
  id uuid PRIMARY KEY,
  status text NOT NULL CHECK (status IN ('queued', 'placed', 'running', 'succeeded', 'failed', 'cancelled')),
  model text NOT NULL,
  input jsonb NOT NULL,
  priority integer NOT NULL,
  tier text NOT NULL,
  resources jsonb NOT NULL,
  max_output_tokens integer NOT NULL,
  stream boolean NOT NULL DEFAULT false,
  pool text,
  node text,
  backend_url text,
  output jsonb,
  error jsonb,
  prompt_tokens integer,
  completion_tokens integer,
  run_id uuid,
  step_id text,
  created_by text NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  started_at timestamptz,
  finished_at timestamptz
);
CREATE INDEX IF NOT EXISTS orch_jobs_by_status ON orch_jobs (status, created_at DESC);
CREATE TABLE IF NOT EXISTS orch_usage_daily (
  day date NOT NULL,
  kind text NOT NULL CHECK (kind IN ('tool', 'inference')),
  subject text NOT NULL,
  calls bigint NOT NULL DEFAULT 0,
  errors bigint NOT NULL DEFAULT 0,
  total_latency_ms bigint NOT NULL DEFAULT 0,
  max_latency_ms integer NOT NULL DEFAULT 0,
  prompt_tokens bigint NOT NULL DEFAULT 0,
  completion_tokens bigint NOT NULL DEFAULT 0,
  PRIMARY KEY (day, kind, subject)
);
`,
  },
  {
    // Delivery counts live in the database so that only deliveries that reached it count towards
    // STEP_MAX_DELIVER (a database outage no longer uses up a message's redeliveries); jobs get the
    // same undispatched sweep as steps; runs and jobs can be submitted with an Idempotency-Key.
    version: 4,
    name: 'durable-dispatch-and-idempotency',
    scopes: ['tenant'],
    sql: `
ALTER TABLE orch_step_attempts ADD COLUMN IF NOT EXISTS deliveries integer NOT NULL DEFAULT 0;
ALTER TABLE orch_jobs ADD COLUMN IF NOT EXISTS deliveries integer NOT NULL DEFAULT 0;
ALTER TABLE orch_jobs ADD COLUMN IF NOT EXISTS dispatched_at timestamptz;
UPDATE orch_jobs SET dispatched_at = created_at WHERE dispatched_at IS NULL;
CREATE INDEX IF NOT EXISTS orch_jobs_undispatched ON orch_jobs (created_at) WHERE status = 'queued' AND dispatched_at IS NULL;
ALTER TABLE orch_runs ADD COLUMN IF NOT EXISTS idempotency_key text;
ALTER TABLE orch_runs ADD COLUMN IF NOT EXISTS request_hash text;
CREATE UNIQUE INDEX IF NOT EXISTS orch_runs_idempotency_key ON orch_runs (idempotency_key) WHERE idempotency_key IS NOT NULL;
ALTER TABLE orch_jobs ADD COLUMN IF NOT EXISTS idempotency_key text;
ALTER TABLE orch_jobs ADD COLUMN IF NOT EXISTS request_hash text;
CREATE UNIQUE INDEX IF NOT EXISTS orch_jobs_idempotency_key ON orch_jobs (idempotency_key) WHERE idempotency_key IS NOT NULL;
`,
  },
];
