import { Injectable, type OnApplicationShutdown, type OnModuleInit } from '@nestjs/common';
import { ConfigClient, natsConfigTransport } from '#config-client';
import { ConfigApiKeyVerify, DomainError, ErrorCode } from '#contracts';
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
  private client: ConfigClient;
  private loaded = false;
  private stopped = false;
  private retry: NodeJS.Timeout | undefined;
  private readonly listeners: Array<(client: ConfigClient) => void> = [];

  constructor(
    private readonly nats: NatsClient,
    private readonly rpc: RpcClient,
    private readonly downstream: Downstream,
  ) {
    super();
    this.client = this.newClient();
  }

  private newClient(): ConfigClient {
    const client = new ConfigClient(natsConfigTransport(this.nats, this.rpc));
    for (const attach of this.listeners) attach(client);
    return client;
  }

  onModuleInit(): void {
    // The gateway boots without mcp-config (health, metrics, docs still serve); tenant routes answer
    // 503 until the first snapshot is in, after which events keep it current.
    void this.startWithRetry();
  }

  onApplicationShutdown(): void {
    this.stopped = true;
    clearTimeout(this.retry);
    this.client.stop();
  }

  private async startWithRetry(): Promise<void> {
    while (!this.stopped) {
      try {
        await this.client.start();
        this.loaded = true;
        return;
      } catch {
        this.client.stop();
        this.client = this.newClient();
        await new Promise<void>((r) => (this.retry = setTimeout(r, 500)));
      }
    }
  }

  get(id: TenantId): GatewayTenant | undefined {
    if (!this.loaded)
      throw new DomainError(ErrorCode.SERVICE_UNAVAILABLE, 'The tenant registry is not loaded yet', { retryAfterSeconds: 1 });
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
    this.attach((client) => client.on('apikey.revoked', ({ keyId }) => listener(keyId)));
  }

  onResynced(listener: () => void): void {
    this.attach((client) => client.on('resynced', () => listener()));
  }

  private attach(listener: (client: ConfigClient) => void): void {
    this.listeners.push(listener);
    listener(this.client);
  }

  /** Who an API key acts for; mcp-config stores keys hashed and answers UNAUTHENTICATED for any bad key. */
  async verifyApiKey(key: string): Promise<ApiKeyGrant> {
    const reply = await this.downstream.call('mcp-config', ConfigApiKeyVerify, { key });
    const grant: ApiKeyGrant = { keyId: reply.keyId, tenantId: reply.tenantId, roles: reply.roles };
    if (reply.expiresAt !== null) grant.expiresAt = Math.floor(Date.parse(reply.expiresAt) / 1000);
    return grant;
  }
}
