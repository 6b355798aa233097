import { ActorField } from '../../audit-fields.js';
import { IsOptional, IsString, Length, Matches } from 'class-validator';
import { defineRpc } from '../../rpc.js';

export const SECRET_NAME_PATTERN = /^[a-z0-9][a-z0-9._-]{0,127}$/;

/**
 * Stores a secret encrypted (AES-256-GCM envelope under CONFIG_KEK). Config values refer to
 * it as `{"$secret": "config://<name>"}`; the value itself never comes back from any read.
 */
export class SecretPutRequest {
  @Matches(SECRET_NAME_PATTERN)
  name: string;

  @IsOptional()
  @IsString()
  tenantId?: string;

  @IsString()
  @Length(1, 65_536)
  value: string;

  @ActorField()
  actor: string;
}

export interface SecretPutReply {
  name: string;
  tenantId: string | null;
  version: number;
}

export const ConfigSecretPut = defineRpc<SecretPutRequest, SecretPutReply>('config.secret.put', SecretPutRequest);
