import { ActorField, ChangeReasonField } from '../../audit-fields.js';
import { IsInt, Min } from 'class-validator';
import { defineRpc } from '../../rpc.js';
import { EntryScope, type EntryView } from '../common.js';

/**
 * Restores the exact value of `toVersion` as a new version (history is never rewritten).
 * Same optimistic concurrency as config.entry.set; the value is checked against the key's
 * current JSON Schema, so a rollback past a schema change can be refused.
 */
export class EntryRollbackRequest extends EntryScope {
  @IsInt()
  @Min(1)
  toVersion: number;

  @IsInt()
  @Min(1)
  expectedVersion: number;

  @ActorField()
  actor: string;

  @ChangeReasonField()
  reason?: string;
}

export type EntryRollbackReply = EntryView;

export const ConfigEntryRollback = defineRpc<EntryRollbackRequest, EntryRollbackReply>('config.entry.rollback', EntryRollbackRequest);
