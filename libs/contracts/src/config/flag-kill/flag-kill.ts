import { ActorField, ChangeReasonField } from '../../audit-fields.js';
import { IsBoolean, Matches } from 'class-validator';
import { defineRpc } from '../../rpc.js';
import { CONFIG_KEY_PATTERN } from '../common.js';
import type { FlagDefinition } from '../model.js';

/**
 * The kill switch: `killed: true` makes the flag serve its off variation in every app
 * (pushed as events.config.flag.changed); `killed: false` restores normal evaluation.
 * No version check: an emergency stop must not fail on a concurrent edit.
 */
export class FlagKillRequest {
  @Matches(CONFIG_KEY_PATTERN)
  key: string;

  @IsBoolean()
  killed: boolean;

  @ActorField()
  actor: string;

  @ChangeReasonField()
  reason?: string;
}

export type FlagKillReply = FlagDefinition;

export const ConfigFlagKill = defineRpc<FlagKillRequest, FlagKillReply>('config.flag.kill', FlagKillRequest);
