import { IsBoolean, IsInt, IsOptional, Min } from 'class-validator';
import { defineRpc } from '../../rpc.js';
import { EntryScope, type EntryView } from '../common.js';

/**
 * Reads an entry. Without `exact`, the most specific scope wins: tenant (when `tenantId`
 * is given) → `environment` → default `*`. `version` reads a past version of the scope
 * that resolved (or of the exact scope).
 */
export class EntryGetRequest extends EntryScope {
  @IsOptional()
  @IsInt()
  @Min(1)
  version?: number;

  @IsOptional()
  @IsBoolean()
  exact?: boolean;
}

export interface EntryGetReply extends EntryView {
  /** Which scope answered. */
  resolvedFrom: 'tenant' | 'environment' | 'default';
}

export const ConfigEntryGet = defineRpc<EntryGetRequest, EntryGetReply>('config.entry.get', EntryGetRequest);
