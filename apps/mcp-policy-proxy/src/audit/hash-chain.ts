import { createHash } from 'node:crypto';

/** prev_hash of the first record ever written (and of the first after an empty anchor). */
export const GENESIS_HASH = '0'.repeat(64);

/** The fields of a decision-log row that the hash covers, as stored. */
export interface DecisionLogFields {
  readonly seq: number;
  readonly decisionId: string;
  /** ISO-8601 with milliseconds: what a timestamptz gives back through Date#toISOString. */
  readonly at: string;
  readonly tenantId: string;
  readonly subjectId: string;
  readonly action: string;
  readonly resourceType: string;
  readonly allow: boolean;
  readonly reason: string;
  readonly matchedRule: string | null;
  readonly traceId: string | null;
  readonly latencyUs: number;
  /** The decision input, masked, as canonical JSON text (stored as text so the hashed bytes are the stored bytes). */
  readonly input: string;
}

export interface DecisionLogRecord extends DecisionLogFields {
  readonly prevHash: string;
  readonly hash: string;
}

export function recordHash(prevHash: string, f: DecisionLogFields): string {
  // A fixed-order array is canonical JSON by construction and much cheaper than sorting keys.
  const body = JSON.stringify([
    f.seq,
    f.decisionId,
    f.at,
    f.tenantId,
    f.subjectId,
    f.action,
    f.resourceType,
    f.allow,
    f.reason,
    f.matchedRule,
    f.traceId,
    f.latencyUs,
    f.input,
  ]);
  return createHash('sha256').update(prevHash).update('\n').update(body).digest('hex');
}

/** Links a batch onto the chain whose last record has `prevHash` and `prevSeq`. */
export function chain(prevHash: string, prevSeq: number, entries: readonly Omit<DecisionLogFields, 'seq'>[]): DecisionLogRecord[] {
  const out: DecisionLogRecord[] = [];
  let prev = prevHash;
  let seq = prevSeq;
  for (const e of entries) {
    const fields = { ...e, seq: ++seq };
    const hash = recordHash(prev, fields);
    out.push({ ...fields, prevHash: prev, hash });
    prev = hash;
  }
  return out;
}

export type ChainBreak = {
  readonly seq: number;
  readonly decisionId: string;
  /** hash_mismatch: the row was edited; link_mismatch: a row before it was removed or re-hashed; seq_gap: rows are missing. */
  readonly problem: 'hash_mismatch' | 'link_mismatch' | 'seq_gap';
};

/**
 * Walks records in seq order from an anchor (the last pruned record, or genesis) and reports the
 * first one that does not hold. Fed incrementally so a verifier can stream millions of rows.
 */
export class ChainVerifier {
  private prevHash: string;
  private prevSeq: number;
  private checked = 0;
  private broken: ChainBreak | undefined;

  constructor(anchor: { seq: number; hash: string } = { seq: 0, hash: GENESIS_HASH }) {
    this.prevHash = anchor.hash;
    this.prevSeq = anchor.seq;
  }

  /** Returns false once a break is found; later records are ignored. */
  push(r: DecisionLogRecord): boolean {
    if (this.broken) return false;
    let problem: ChainBreak['problem'] | undefined;
    if (r.seq !== this.prevSeq + 1) problem = 'seq_gap';
    else if (recordHash(r.prevHash, r) !== r.hash) problem = 'hash_mismatch';
    else if (r.prevHash !== this.prevHash) problem = 'link_mismatch';
    if (problem) {
      this.broken = { seq: r.seq, decisionId: r.decisionId, problem };
      return false;
    }
    this.checked++;
    this.prevHash = r.hash;
    this.prevSeq = r.seq;
    return true;
  }

  result(): { ok: true; checked: number; lastSeq: number } | { ok: false; checked: number; firstBroken: ChainBreak } {
    return this.broken
      ? { ok: false, checked: this.checked, firstBroken: this.broken }
      : { ok: true, checked: this.checked, lastSeq: this.prevSeq };
  }
}
