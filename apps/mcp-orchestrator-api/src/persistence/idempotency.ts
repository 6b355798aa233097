import { createHash } from 'node:crypto';
import { DomainError, ErrorCode } from '#contracts';
import { canonicalJson } from '../canonical-json.js';
import type { Sql } from './orchestrator-db.js';

/** A submission's Idempotency-Key with the hash of what was asked under it. */
export interface IdempotentSubmission {
  key: string;
  requestHash: string;
}

export function idempotentSubmission(key: string | undefined, request: unknown): IdempotentSubmission | undefined {
  if (key === undefined) return undefined;
  return { key, requestHash: createHash('sha256').update(canonicalJson(request)).digest('hex') };
}

/**
 * The row an earlier submission with the same key created, if any. Inside the tenant transaction,
 * submissions carrying the same key are serialised by an advisory lock, so two concurrent retries
 * create one row; a key reused for a different request is refused rather than answered with the
 * other request's result.
 */
export async function earlierSubmission<T extends { request_hash: string | null }>(
  sql: Sql,
  table: 'orch_runs' | 'orch_jobs',
  submission: IdempotentSubmission,
): Promise<T | undefined> {
  await sql.query(`SELECT pg_advisory_xact_lock(hashtext(current_schema() || $1))`, [`:${table}:${submission.key}`]);
  const [row] = await sql.query<T>(`SELECT * FROM ${table} WHERE idempotency_key = $1`, [submission.key]);
  if (row && row.request_hash !== submission.requestHash) {
    throw new DomainError(ErrorCode.CONFLICT, 'This Idempotency-Key was already used for a different request', {
      reason: 'idempotency-key-reused',
    });
  }
  return row;
}
