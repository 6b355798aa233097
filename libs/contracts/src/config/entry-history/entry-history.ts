import { IsInt, IsOptional, Max, Min } from 'class-validator';
import { defineRpc } from '../../rpc.js';
import { EntryScope } from '../common.js';
import type { JsonValue } from '../model.js';

/** Versions of one exact scope, newest first. */
export class EntryHistoryRequest extends EntryScope {
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(500)
  limit?: number;

  /** Page: versions strictly below this one. */
  @IsOptional()
  @IsInt()
  @Min(1)
  beforeVersion?: number;
}

export interface EntryVersionView {
  version: number;
  /** Redacted like every read (secret references hidden). */
  value: JsonValue;
  /** RFC 6902-style operations from the previous version (also redacted). */
  diff: Array<{ op: 'add' | 'remove' | 'replace'; path: string; value?: JsonValue }>;
  operation: 'set' | 'rollback';
  actor: string;
  reason: string | null;
  createdAt: string;
}

export interface EntryHistoryReply {
  key: string;
  environment: string;
  tenantId: string | null;
  versions: EntryVersionView[];
}

export const ConfigEntryHistory = defineRpc<EntryHistoryRequest, EntryHistoryReply>('config.entry.history', EntryHistoryRequest);
