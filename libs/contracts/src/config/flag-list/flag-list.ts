import { IsOptional, Matches } from 'class-validator';
import { defineRpc } from '../../rpc.js';
import { CONFIG_KEY_PATTERN } from '../common.js';
import type { FlagDefinition } from '../model.js';

/** All flags, or one when `key` is given (NOT_FOUND if it does not exist). */
export class FlagListRequest {
  @IsOptional()
  @Matches(CONFIG_KEY_PATTERN)
  key?: string;
}

export interface FlagListReply {
  flags: FlagDefinition[];
}

export const ConfigFlagList = defineRpc<FlagListRequest, FlagListReply>('config.flag.list', FlagListRequest);
