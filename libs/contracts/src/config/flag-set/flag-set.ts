import { ActorField, ChangeReasonField } from '../../audit-fields.js';
import { IsInt, IsObject, Min } from 'class-validator';
import { defineRpc } from '../../rpc.js';
import type { FlagDefinition } from '../model.js';

/** The editable part of a flag; version, kill state and audit fields are the service's. */
export type FlagInput = Omit<FlagDefinition, 'version' | 'killed' | 'updatedAt' | 'updatedBy'>;

/**
 * Creates (`expectedVersion` 0) or replaces a flag. The definition is checked against the
 * flag JSON Schema and for consistency (variation indexes, rollout weights summing to
 * 100); violations come back as VALIDATION_FAILED with paths. Editing does not clear a
 * kill switch: only config.flag.kill does.
 */
export class FlagSetRequest {
  @IsObject()
  flag: FlagInput;

  @IsInt()
  @Min(0)
  expectedVersion: number;

  @ActorField()
  actor: string;

  @ChangeReasonField()
  reason?: string;
}

export type FlagSetReply = FlagDefinition;

export const ConfigFlagSet = defineRpc<FlagSetRequest, FlagSetReply>('config.flag.set', FlagSetRequest);
