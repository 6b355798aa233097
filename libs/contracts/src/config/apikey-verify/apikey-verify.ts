import { IsString, Length } from 'class-validator';
import { defineRpc } from '../../rpc.js';
import type { TenantStatus, TenantTier } from '../model.js';

/**
 * For the gateway: who does this key act for? UNAUTHENTICATED for an unknown, malformed,
 * revoked or expired key (one message for all, so a caller learns nothing about which);
 * TENANT_SUSPENDED when the key is good but its tenant is not active.
 */
export class ApiKeyVerifyRequest {
  @IsString()
  @Length(1, 200)
  key: string;
}

export interface ApiKeyVerifyReply {
  keyId: string;
  tenantId: string;
  roles: string[];
  tenantStatus: TenantStatus;
  tenantTier: TenantTier;
  /** When the key stops working on its own (null: never); caches must not outlive it. */
  expiresAt: string | null;
}

export const ConfigApiKeyVerify = defineRpc<ApiKeyVerifyRequest, ApiKeyVerifyReply>('config.apikey.verify', ApiKeyVerifyRequest);
