import type { DataSource } from 'typeorm';
import { chain, ChainVerifier, GENESIS_HASH, type DecisionLogFields, type DecisionLogRecord } from './hash-chain.js';

export type DecisionLogEntry = Omit<DecisionLogFields, 'seq'>;

export type VerifyResult = ReturnType<ChainVerifier['result']>;

// Appenders from every instance serialise on this lock so the chain stays one line.
const CHAIN_LOCK = 0x706f6c32; // 'pol2'

interface Row {
  seq: string;
  decision_id: string;
  at: Date;
  tenant_id: string;
  subject_id: string;
  action: string;
  resource_type: string;
  allow: boolean;
  reason: string;
  matched_rule: string | null;
  trace_id: string | null;
  latency_us: number;
  input: string;
  prev_hash: string;
  hash: string;
}

const fromRow = (r: Row): DecisionLogRecord => ({
  seq: Number(r.seq),
  decisionId: r.decision_id,
  at: r.at.toISOString(),
  tenantId: r.tenant_id,
  subjectId: r.subject_id,
  action: r.action,
  resourceType: r.resource_type,
  allow: r.allow,
  reason: r.reason,
  matchedRule: r.matched_rule,
  traceId: r.trace_id,
  latencyUs: r.latency_us,
  input: r.input,
  prevHash: r.prev_hash,
  hash: r.hash,
});

/** The hash-chained decision log in Postgres (policy.decision_log). */
export class DecisionLogStore {
  constructor(private readonly db: DataSource) {}

  /** Appends a batch at the end of the chain in one transaction. */
  async append(entries: readonly DecisionLogEntry[]): Promise<void> {
    if (!entries.length) return;
    await this.db.transaction(async (m) => {
      await m.query(`SELECT pg_advisory_xact_lock($1)`, [CHAIN_LOCK]);
      const [tail] = await m.query<{ seq: string; hash: string }[]>(`SELECT seq, hash FROM policy.decision_log ORDER BY seq DESC LIMIT 1`);
      const [anchor] = tail ? [] : await m.query<{ seq: string; hash: string }[]>(`SELECT seq, hash FROM policy.decision_log_anchor`);
      const from = tail ?? anchor ?? { seq: '0', hash: GENESIS_HASH };
      const records = chain(from.hash, Number(from.seq), entries);
      const col = <K extends keyof DecisionLogRecord>(k: K): DecisionLogRecord[K][] => records.map((r) => r[k]);
      await m.query(
        `INSERT INTO policy.decision_log (seq, decision_id, at, tenant_id, subject_id, action, resource_type, allow, reason,
                                          matched_rule, trace_id, latency_us, input, prev_hash, hash)
         SELECT * FROM unnest($1::bigint[], $2::uuid[], $3::timestamptz[], $4::text[], $5::text[], $6::text[], $7::text[],
                              $8::boolean[], $9::text[], $10::text[], $11::text[], $12::integer[], $13::text[], $14::text[], $15::text[])`,
        [
          col('seq'),
          col('decisionId'),
          col('at'),
          col('tenantId'),
          col('subjectId'),
          col('action'),
          col('resourceType'),
          col('allow'),
          col('reason'),
          col('matchedRule'),
          col('traceId'),
          col('latencyUs'),
          col('input'),
          col('prevHash'),
          col('hash'),
        ],
      );
    });
  }

  /** Walks the whole chain from the retention anchor; names the first record that does not hold. */
  async verify(pageSize = 5000): Promise<VerifyResult> {
    const [anchor] = await this.db.query<{ seq: string; hash: string }[]>(`SELECT seq, hash FROM policy.decision_log_anchor`);
    const verifier = new ChainVerifier(anchor ? { seq: Number(anchor.seq), hash: anchor.hash } : undefined);
    let after = anchor ? Number(anchor.seq) : 0;
    for (;;) {
      const rows = await this.db.query<Row[]>(`SELECT * FROM policy.decision_log WHERE seq > $1 ORDER BY seq LIMIT $2`, [after, pageSize]);
      for (const row of rows) if (!verifier.push(fromRow(row))) return verifier.result();
      if (rows.length < pageSize) return verifier.result();
      after = Number(rows.at(-1)!.seq);
    }
  }

  /**
   * Retention: removes the records older than `before` from the head of the chain and moves the
   * anchor to the last one removed, so verification still starts from a known hash.
   */
  async prune(before: Date): Promise<number> {
    return this.db.transaction(async (m) => {
      await m.query(`SELECT pg_advisory_xact_lock($1)`, [CHAIN_LOCK]);
      // Prune only a prefix: a record newer than the cutoff stops it even if later ones are older.
      const [last] = await m.query<{ seq: string; hash: string }[]>(
        `SELECT seq, hash FROM policy.decision_log
          WHERE seq < coalesce((SELECT min(seq) FROM policy.decision_log WHERE at >= $1), 9223372036854775807)
          ORDER BY seq DESC LIMIT 1`,
        [before],
      );
      if (!last) return 0;
      // TypeORM answers a DELETE with [rows, rowCount].
      const [, deleted] = await m.query<[unknown[], number]>(`DELETE FROM policy.decision_log WHERE seq <= $1`, [last.seq]);
      await m.query(
        `INSERT INTO policy.decision_log_anchor (id, seq, hash, pruned_at) VALUES (1, $1, $2, now())
         ON CONFLICT (id) DO UPDATE SET seq = EXCLUDED.seq, hash = EXCLUDED.hash, pruned_at = EXCLUDED.pruned_at`,
        [last.seq, last.hash],
      );
      return deleted;
    });
  }
}
