import type { UsageRow } from '#contracts';
import type { Sql } from '../persistence/orchestrator-db.js';
import type { UsageDelta } from './usage-buffer.js';

export interface UsageSample {
  kind: 'tool' | 'inference';
  subject: string;
  error: boolean;
  latencyMs: number;
  promptTokens?: number;
  completionTokens?: number;
}

/** Per tenant, per UTC day and subject counters (chargeback and analytics); Sql is tenant-scoped. */
export async function recordUsage(sql: Sql, s: UsageSample): Promise<void> {
  const latency = Math.max(0, Math.round(s.latencyMs));
  await sql.query(
    `INSERT INTO orch_usage_daily AS u (day, kind, subject, calls, errors, total_latency_ms, max_latency_ms, prompt_tokens, completion_tokens)
     VALUES ((now() AT TIME ZONE 'utc')::date, $1, $2, 1, $3::bigint, $4::bigint, $4::integer, $5::bigint, $6::bigint)
     ON CONFLICT (day, kind, subject) DO UPDATE SET
       calls = u.calls + 1, errors = u.errors + EXCLUDED.errors, total_latency_ms = u.total_latency_ms + EXCLUDED.total_latency_ms,
       max_latency_ms = GREATEST(u.max_latency_ms, EXCLUDED.max_latency_ms),
       prompt_tokens = u.prompt_tokens + EXCLUDED.prompt_tokens, completion_tokens = u.completion_tokens + EXCLUDED.completion_tokens`,
    [s.kind, s.subject, s.error ? 1 : 0, latency, s.promptTokens ?? 0, s.completionTokens ?? 0],
  );
}

/** Adds aggregated increments in one statement (rows are distinct per day, kind and subject); Sql is tenant-scoped. */
export async function writeUsage(sql: Sql, rows: UsageDelta[]): Promise<void> {
  if (!rows.length) return;
  await sql.query(
    `INSERT INTO orch_usage_daily AS u (day, kind, subject, calls, errors, total_latency_ms, max_latency_ms, prompt_tokens, completion_tokens)
     SELECT * FROM unnest($1::date[], $2::text[], $3::text[], $4::bigint[], $5::bigint[], $6::bigint[], $7::integer[], $8::bigint[], $9::bigint[])
     ON CONFLICT (day, kind, subject) DO UPDATE SET
       calls = u.calls + EXCLUDED.calls, errors = u.errors + EXCLUDED.errors, total_latency_ms = u.total_latency_ms + EXCLUDED.total_latency_ms,
       max_latency_ms = GREATEST(u.max_latency_ms, EXCLUDED.max_latency_ms),
       prompt_tokens = u.prompt_tokens + EXCLUDED.prompt_tokens, completion_tokens = u.completion_tokens + EXCLUDED.completion_tokens`,
    [
      rows.map((r) => r.day),
      rows.map((r) => r.kind),
      rows.map((r) => r.subject),
      rows.map((r) => r.calls),
      rows.map((r) => r.errors),
      rows.map((r) => r.totalLatencyMs),
      rows.map((r) => r.maxLatencyMs),
      rows.map((r) => r.promptTokens),
      rows.map((r) => r.completionTokens),
    ],
  );
}

export async function readUsage(sql: Sql, from: string, to: string, kind?: string): Promise<UsageRow[]> {
  const rows = await sql.query<{
    day: string;
    kind: 'tool' | 'inference';
    subject: string;
    calls: string;
    errors: string;
    total_latency_ms: string;
    max_latency_ms: number;
    prompt_tokens: string;
    completion_tokens: string;
  }>(
    `SELECT to_char(day, 'YYYY-MM-DD') AS day, kind, subject, calls, errors, total_latency_ms, max_latency_ms, prompt_tokens, completion_tokens
     FROM orch_usage_daily WHERE day BETWEEN $1::date AND $2::date AND ($3::text IS NULL OR kind = $3) ORDER BY day, kind, subject`,
    [from, to, kind ?? null],
  );
  return rows.map((r) => ({
    day: r.day,
    kind: r.kind,
    subject: r.subject,
    calls: Number(r.calls),
    errors: Number(r.errors),
    avgLatencyMs: Number(r.calls) ? Math.round(Number(r.total_latency_ms) / Number(r.calls)) : 0,
    maxLatencyMs: r.max_latency_ms,
    promptTokens: Number(r.prompt_tokens),
    completionTokens: Number(r.completion_tokens),
  }));
}
