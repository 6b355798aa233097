import { ActorField } from '../../audit-fields.js';
import { IsString, IsUUID } from 'class-validator';
import { defineRpc } from '../../rpc.js';
import type { ApiKeyView } from '../apikey-create/apikey-create.js';

/**
 * Revokes a key of the named tenant (a key id of another tenant is NOT_FOUND) and publishes
 * events.config.apikey.revoked, which #config-client hands to the gateway's key cache.
 * Revoking twice is not an error and keeps the first revocation time.
 */
export class ApiKeyRevokeRequest {
  @IsString()
  tenantId: string;

  @IsUUID()
  keyId: string;

  @ActorField()
  actor: string;
}

export type ApiKeyRevokeReply = ApiKeyView;

export const ConfigApiKeyRevoke = defineRpc<ApiKeyRevokeRequest, ApiKeyRevokeReply>('config.apikey.revoke', ApiKeyRevokeRequest);
