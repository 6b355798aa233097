import { ActorField } from '../../audit-fields.js';
import { ArrayMaxSize, ArrayMinSize, IsISO8601, IsOptional, IsString, Length, Matches } from 'class-validator';
import { defineRpc } from '../../rpc.js';

export const ROLE_PATTERN = /^[a-z][a-z0-9_:-]{0,63}$/;

/** Issues an API key for one tenant and a role set. The key is in this reply only. */
export class ApiKeyCreateRequest {
  @IsString()
  tenantId: string;

  @IsString()
  @Length(1, 200)
  name: string;

  @ArrayMinSize(1)
  @ArrayMaxSize(32)
  @Matches(ROLE_PATTERN, { each: true })
  roles: string[];

  @IsOptional()
  @IsISO8601({ strict: true })
  expiresAt?: string;

  @ActorField()
  actor: string;
}

export interface ApiKeyView {
  keyId: string;
  tenantId: string;
  name: string;
  /** First characters of the key, for recognising it in a listing. */
  prefix: string;
  roles: string[];
  createdAt: string;
  expiresAt: string | null;
  revokedAt: string | null;
}

export interface ApiKeyCreateReply extends ApiKeyView {
  /** The key itself (`mcpk_<prefix>_<secret>`): shown once, stored only as a keyed hash. */
  key: string;
}

export const ConfigApiKeyCreate = defineRpc<ApiKeyCreateRequest, ApiKeyCreateReply>('config.apikey.create', ApiKeyCreateRequest);
