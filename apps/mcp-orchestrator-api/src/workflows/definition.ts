import type { RetryPolicy } from './backoff.js';

export type StepKind = 'tool' | 'inference' | 'workflow';

export interface StepDefinition {
  id: string;
  kind: StepKind;
  dependsOn?: string[];
  /** kind "tool": a tool of a registered server (global or the run's tenant). */
  tool?: { server: string; name: string };
  /** kind "inference": the resolved input must be { messages } (chat) — placed by the scheduler. */
  inference?: { model: string; maxOutputTokens?: number; priority?: number };
  /** kind "workflow": runs another workflow of the same tenant as a child run. */
  workflow?: { name: string; version?: number };
  /** Arguments, where any `{ "$ref": "input.x" | "steps.<id>.output.y" }` is replaced before dispatch. */
  input?: unknown;
  timeoutMs?: number;
  retry?: Partial<RetryPolicy>;
  /** Tool call that undoes this step; run in reverse order for succeeded steps when the run fails. */
  compensate?: { server: string; name: string; input?: unknown };
}

export interface WorkflowDefinition {
  steps: StepDefinition[];
  /** Template for the run's output; defaults to every step's output keyed by step id. */
  output?: unknown;
}

export const LIMITS = { maxSteps: 100, maxTimeoutMs: 3_600_000, maxAttempts: 10, maxDelayMs: 600_000, maxNesting: 5 };
const STEP_ID = /^[a-z][a-z0-9_-]{0,62}$/;

/** Every `$ref` path in a template, in document order. */
export function refsIn(template: unknown, out: string[] = []): string[] {
  if (Array.isArray(template)) template.forEach((t) => refsIn(t, out));
  else if (template && typeof template === 'object') {
    const obj = template as Record<string, unknown>;
    if (isRef(obj)) out.push(obj.$ref as string);
    else Object.values(obj).forEach((v) => refsIn(v, out));
  }
  return out;
}

export function isRef(obj: Record<string, unknown>): boolean {
  return Object.keys(obj).length === 1 && typeof obj.$ref === 'string';
}

/** Returns the problems found (empty when valid), each naming the step and field. */
export function validateDefinition(def: WorkflowDefinition): string[] {
  const errors: string[] = [];
  if (!def || !Array.isArray(def.steps) || def.steps.length === 0) return ['steps: at least one step is required'];
  if (def.steps.length > LIMITS.maxSteps) errors.push(`steps: at most ${LIMITS.maxSteps} steps`);
  const ids = new Set<string>();
  for (const [i, s] of def.steps.entries()) {
    const at = `steps[${i}]${typeof s?.id === 'string' ? ` (${s.id})` : ''}`;
    if (typeof s?.id !== 'string' || !STEP_ID.test(s.id)) {
      errors.push(`${at}.id: must match ${STEP_ID}`);
      continue;
    }
    if (ids.has(s.id)) errors.push(`${at}.id: duplicate step id`);
    ids.add(s.id);
    if (s.kind === 'tool') {
      if (typeof s.tool?.server !== 'string' || typeof s.tool?.name !== 'string') errors.push(`${at}.tool: server and name are required`);
    } else if (s.kind === 'inference') {
      if (typeof s.inference?.model !== 'string' || !s.inference.model) errors.push(`${at}.inference.model: required`);
    } else if (s.kind === 'workflow') {
      if (typeof s.workflow?.name !== 'string' || !s.workflow.name) errors.push(`${at}.workflow.name: required`);
    } else errors.push(`${at}.kind: must be tool, inference or workflow`);
    if (s.timeoutMs !== undefined && !(Number.isInteger(s.timeoutMs) && s.timeoutMs > 0 && s.timeoutMs <= LIMITS.maxTimeoutMs)) {
      errors.push(`${at}.timeoutMs: integer in 1..${LIMITS.maxTimeoutMs}`);
    }
    const r = s.retry;
    if (r !== undefined) {
      if (r.maxAttempts !== undefined && !(Number.isInteger(r.maxAttempts) && r.maxAttempts >= 1 && r.maxAttempts <= LIMITS.maxAttempts))
        errors.push(`${at}.retry.maxAttempts: integer in 1..${LIMITS.maxAttempts}`);
      for (const k of ['initialDelayMs', 'maxDelayMs'] as const) {
        const v = r[k];
        if (v !== undefined && !(Number.isInteger(v) && v >= 0 && v <= LIMITS.maxDelayMs))
          errors.push(`${at}.retry.${k}: integer in 0..${LIMITS.maxDelayMs}`);
      }
      if (r.multiplier !== undefined && !(typeof r.multiplier === 'number' && r.multiplier >= 1 && r.multiplier <= 10))
        errors.push(`${at}.retry.multiplier: number in 1..10`);
    }
    if (s.compensate !== undefined && (typeof s.compensate.server !== 'string' || typeof s.compensate.name !== 'string')) {
      errors.push(`${at}.compensate: server and name are required`);
    }
    if (s.dependsOn !== undefined && (!Array.isArray(s.dependsOn) || s.dependsOn.some((d) => typeof d !== 'string'))) {
      errors.push(`${at}.dependsOn: must be an array of step ids`);
    }
  }
  if (errors.length) return errors;

  const byId = new Map(def.steps.map((s) => [s.id, s]));
  for (const s of def.steps) {
    for (const d of s.dependsOn ?? []) {
      if (!byId.has(d)) errors.push(`steps (${s.id}).dependsOn: unknown step "${d}"`);
      if (d === s.id) errors.push(`steps (${s.id}).dependsOn: a step cannot depend on itself`);
    }
  }
  if (errors.length) return errors;
  const order = topologicalOrder(def);
  if (!order) return ['steps: dependencies form a cycle'];

  const ancestors = ancestorsOf(def, order);
  const checkRefs = (where: string, template: unknown, allowed: Set<string> | 'all') => {
    for (const ref of refsIn(template)) {
      const parts = ref.split('.');
      if (parts[0] === 'input') continue;
      if (parts[0] === 'steps' && parts.length >= 3 && parts[2] === 'output' && byId.has(parts[1]!)) {
        if (allowed === 'all' || allowed.has(parts[1]!)) continue;
        errors.push(`${where}: "$ref": "${ref}" uses a step that is not among its dependencies`);
      } else errors.push(`${where}: "$ref": "${ref}" must start with "input." or "steps.<id>.output"`);
    }
  };
  for (const s of def.steps) {
    checkRefs(`steps (${s.id}).input`, s.input, ancestors.get(s.id)!);
    if (s.compensate) checkRefs(`steps (${s.id}).compensate.input`, s.compensate.input, new Set([...ancestors.get(s.id)!, s.id]));
  }
  if (def.output !== undefined) checkRefs('output', def.output, 'all');
  return errors;
}

/** Kahn's algorithm; undefined when there is a cycle. */
export function topologicalOrder(def: WorkflowDefinition): string[] | undefined {
  const indegree = new Map(def.steps.map((s) => [s.id, (s.dependsOn ?? []).length]));
  const children = new Map<string, string[]>(def.steps.map((s) => [s.id, []]));
  for (const s of def.steps) for (const d of s.dependsOn ?? []) children.get(d)!.push(s.id);
  const queue = def.steps.filter((s) => indegree.get(s.id) === 0).map((s) => s.id);
  const order: string[] = [];
  while (queue.length) {
    const id = queue.shift()!;
    order.push(id);
    for (const c of children.get(id)!) {
      const n = indegree.get(c)! - 1;
      indegree.set(c, n);
      if (n === 0) queue.push(c);
    }
  }
  return order.length === def.steps.length ? order : undefined;
}

function ancestorsOf(def: WorkflowDefinition, order: string[]): Map<string, Set<string>> {
  const byId = new Map(def.steps.map((s) => [s.id, s]));
  const result = new Map<string, Set<string>>();
  for (const id of order) {
    const set = new Set<string>();
    for (const d of byId.get(id)!.dependsOn ?? []) {
      set.add(d);
      for (const a of result.get(d)!) set.add(a);
    }
    result.set(id, set);
  }
  return result;
}

export type StepStatus = 'pending' | 'queued' | 'running' | 'succeeded' | 'failed' | 'cancelled' | 'skipped';

/** Steps that may be dispatched now: still pending, every dependency succeeded. */
export function readySteps(def: WorkflowDefinition, status: ReadonlyMap<string, StepStatus>): string[] {
  return def.steps
    .filter((s) => status.get(s.id) === 'pending' && (s.dependsOn ?? []).every((d) => status.get(d) === 'succeeded'))
    .map((s) => s.id);
}
