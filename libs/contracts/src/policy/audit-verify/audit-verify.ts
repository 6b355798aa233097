import { IsInt, IsOptional, Max, Min } from 'class-validator';
import { defineRpc } from '../../rpc.js';

/** policy.audit.verify — walks the decision-log hash chain and names the first broken record. */
export class AuditVerifyRequest {
  /** Rows read per query. */
  @IsOptional()
  @IsInt()
  @Min(100)
  @Max(50_000)
  pageSize?: number;
}

export type AuditVerifyReply =
  | { ok: true; checked: number; lastSeq: number }
  | {
      ok: false;
      checked: number;
      /** hash_mismatch: the row was edited; link_mismatch: the row before it was re-hashed; seq_gap: rows were deleted. */
      firstBroken: { seq: number; decisionId: string; problem: 'hash_mismatch' | 'link_mismatch' | 'seq_gap' };
    };

export const AuditVerify = defineRpc<AuditVerifyRequest, AuditVerifyReply>('policy.audit.verify', AuditVerifyRequest);
