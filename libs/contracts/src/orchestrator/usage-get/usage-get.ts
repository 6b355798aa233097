import { IsIn, IsOptional, Matches } from 'class-validator';
import { defineRpc } from '../../rpc.js';
import { TenantScopedRequest } from '../common.js';

/** Per-day usage of this tenant (UTC days, inclusive range; default the last 30 days). */
export class UsageGetRequest extends TenantScopedRequest {
  @IsOptional()
  @Matches(/^\d{4}-\d{2}-\d{2}$/)
  from?: string;

  @IsOptional()
  @Matches(/^\d{4}-\d{2}-\d{2}$/)
  to?: string;

  @IsOptional()
  @IsIn(['tool', 'inference'])
  kind?: 'tool' | 'inference';
}

export interface UsageRow {
  day: string;
  kind: 'tool' | 'inference';
  /** `<server>/<tool>` for tools, the model for inference. */
  subject: string;
  calls: number;
  errors: number;
  avgLatencyMs: number;
  maxLatencyMs: number;
  promptTokens: number;
  completionTokens: number;
}

export const UsageGet = defineRpc<UsageGetRequest, { items: UsageRow[] }>('orchestrator.usage.get', UsageGetRequest);
