import { Injectable, type OnApplicationShutdown, type OnModuleInit } from '@nestjs/common';
import { ConfigClient, natsConfigTransport } from '#config-client';
import { ConfigApiKeyVerify } from '#contracts';
import { NatsClient, RpcClient } from '#messaging';
import { parseTenantId, type TenantId } from '#tenancy';
import type { ApiKeyGrant } from '#auth';
import { Downstream } from '../forwarding/downstream.service.js';
import { TenantDirectory, type GatewayTenant } from '../pipeline/request-context.js';

/**
 * The gateway's live view of mcp-config: the tenant registry in memory (kept current by config
 * events, resynced on gaps) and API key verification with revocation events.
 */
@Injectable()
export class ConfigLink extends TenantDirectory implements OnModuleInit, OnApplicationShutdown {
  private readonly client: ConfigClient;

  constructor(
    nats: NatsClient,
    rpc: RpcClient,
    private readonly downstream: Downstream,
  ) {
    super();
    this.client = new ConfigClient(natsConfigTransport(nats, rpc));
  }

  async onModuleInit(): Promise<void> {
    await this.client.start();
  }

  onApplicationShutdown(): void {
    this.client.stop();
  }

  get(id: TenantId): GatewayTenant | undefined {
    const record = this.client.tenant(id);
    if (!record) return undefined;
    return {
      id: parseTenantId(record.id),
      status: record.status,
      tier: record.tier,
      features: record.features,
      requestsPerMinute: record.limits?.requests_per_minute,
    };
  }

  onApiKeyRevoked(listener: (keyId: string) => void): void {
    this.client.on('apikey.revoked', ({ keyId }) => listener(keyId));
  }

  onResynced(listener: () => void): void {
    this.client.on('resynced', () => listener());
  }

  /** Who an API key acts for; mcp-config stores keys hashed and answers UNAUTHENTICATED for any bad key. */
  async verifyApiKey(key: string): Promise<ApiKeyGrant> {
    const reply = await this.downstream.call('mcp-config', ConfigApiKeyVerify, { key });
    const grant: ApiKeyGrant = { keyId: reply.keyId, tenantId: reply.tenantId, roles: reply.roles };
    if (reply.expiresAt !== null) grant.expiresAt = Math.floor(Date.parse(reply.expiresAt) / 1000);
    return grant;
  }
}
