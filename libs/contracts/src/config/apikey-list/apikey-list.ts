import { IsString } from 'class-validator';
import { defineRpc } from '../../rpc.js';
import type { ApiKeyView } from '../apikey-create/apikey-create.js';

/** A tenant's keys, newest first, without secrets or hashes. */
export class ApiKeyListRequest {
  @IsString()
  tenantId: string;
}

export interface ApiKeyListReply {
  keys: ApiKeyView[];
}

export const ConfigApiKeyList = defineRpc<ApiKeyListRequest, ApiKeyListReply>('config.apikey.list', ApiKeyListRequest);
