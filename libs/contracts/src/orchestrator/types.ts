import type { RegistryScope } from './common.js';

export type ToolStatus = 'active' | 'quarantined' | 'superseded' | 'removed';

export interface ToolInfo {
  server: string;
  scope: RegistryScope;
  name: string;
  /** Name exposed by the gateway's MCP aggregation: `<server>__<tool>`. */
  qualifiedName: string;
  version: number;
  /** sha256 of the canonical definition (name, title, description, schemas, annotations). */
  hash: string;
  status: ToolStatus;
  title?: string;
  description?: string;
  inputSchema: unknown;
  outputSchema?: unknown;
  annotations?: unknown;
  firstSeenAt: string;
  approvedBy?: string | null;
}

export interface ServerInfo {
  name: string;
  scope: RegistryScope;
  url: string;
  version: string | null;
  status: 'active' | 'unreachable';
  quarantineOnChange: boolean;
  /** Reference to the credentials presented upstream (never the value). */
  auth: { secret: string; header: string; scheme: string } | null;
  lastRefreshedAt: string | null;
  lastError: string | null;
  createdAt: string;
  tools: ToolInfo[];
  resources: unknown[];
  resourceTemplates: unknown[];
  prompts: unknown[];
}

export interface RefreshOutcome {
  added: string[];
  /** Tools whose definition hash changed; quarantined unless the server trusts changes. */
  changed: { name: string; version: number; status: ToolStatus }[];
  removed: string[];
}

export type RunStatus = 'running' | 'succeeded' | 'failed' | 'cancelled';
export type StepStatus = 'pending' | 'queued' | 'running' | 'succeeded' | 'failed' | 'cancelled' | 'skipped';

export interface StepAttemptInfo {
  attempt: number;
  status: 'running' | 'succeeded' | 'failed' | 'cancelled';
  error: { code: string; message: string; details?: Record<string, unknown> } | null;
  startedAt: string;
  finishedAt: string | null;
}

export interface StepInfo {
  stepId: string;
  status: StepStatus;
  attempt: number;
  input: unknown;
  output: unknown;
  error: { code: string; message: string; details?: Record<string, unknown> } | null;
  childRunId: string | null;
  startedAt: string | null;
  finishedAt: string | null;
  attempts: StepAttemptInfo[];
}

export interface RunInfo {
  id: string;
  workflow: string;
  workflowVersion: number;
  status: RunStatus;
  input: unknown;
  output: unknown;
  error: { code: string; message: string; details?: Record<string, unknown> } | null;
  parentRunId: string | null;
  createdBy: string;
  createdAt: string;
  finishedAt: string | null;
  steps?: StepInfo[];
}

export type JobStatus = 'queued' | 'placed' | 'running' | 'succeeded' | 'failed' | 'cancelled';

export interface JobInfo {
  id: string;
  status: JobStatus;
  model: string;
  priority: number;
  tier: 'premium' | 'standard' | 'free';
  /** Where the scheduler placed it (null until placed). */
  placement: { pool: string; node: string; backendUrl: string } | null;
  output: { content: string; finishReason: string | null } | null;
  usage: { promptTokens: number; completionTokens: number } | null;
  error: { code: string; message: string; details?: Record<string, unknown> } | null;
  createdBy: string;
  createdAt: string;
  startedAt: string | null;
  finishedAt: string | null;
}
