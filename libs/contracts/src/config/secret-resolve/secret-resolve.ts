import { IsOptional, IsString, Matches } from 'class-validator';
import { defineRpc } from '../../rpc.js';
import { SECRET_NAME_PATTERN } from '../secret-put/secret-put.js';

/**
 * Decrypts a `config://<name>` secret for the app that needs it. Internal only: the gateway
 * never exposes this subject, and replies are never logged.
 */
export class SecretResolveRequest {
  @Matches(SECRET_NAME_PATTERN)
  name: string;

  @IsOptional()
  @IsString()
  tenantId?: string;
}

export interface SecretResolveReply {
  value: string;
}

export const ConfigSecretResolve = defineRpc<SecretResolveRequest, SecretResolveReply>('config.secret.resolve', SecretResolveRequest);
