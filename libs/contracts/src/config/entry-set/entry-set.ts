import { ActorField, ChangeReasonField } from '../../audit-fields.js';
import { IsInt, Min } from 'class-validator';
import { defineRpc } from '../../rpc.js';
import { AnyJson, EntryScope, type EntryView } from '../common.js';
import type { JsonValue } from '../model.js';

/**
 * Writes a new version of one scope's entry. `expectedVersion` is the version being
 * replaced (0 to create): if another write landed first the reply is VERSION_CONFLICT
 * (409) with the current version in details. A value that fails the key's JSON Schema is
 * VALIDATION_FAILED with `details.violations[].path` (JSON pointers into `value`).
 */
export class EntrySetRequest extends EntryScope {
  @AnyJson()
  value: JsonValue;

  @IsInt()
  @Min(0)
  expectedVersion: number;

  @ActorField()
  actor: string;

  @ChangeReasonField()
  reason?: string;
}

export type EntrySetReply = EntryView;

export const ConfigEntrySet = defineRpc<EntrySetRequest, EntrySetReply>('config.entry.set', EntrySetRequest);
