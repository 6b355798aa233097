import { Injectable, Logger, type OnApplicationShutdown, type OnModuleInit } from '@nestjs/common';
import { ConfigClient, natsConfigTransport } from '#config-client';
import type { TenantStatus, TenantTier } from '#contracts';
import { NatsClient, RpcClient } from '#messaging';

export interface TenantFactsOf {
  readonly status: TenantStatus;
  readonly tier: TenantTier;
}

const RETRY_MS = 2_000;

/**
 * What mcp-config says about each tenant (status, tier), kept live by its events: the policy's own
 * `data.suspended_tenants` (seed 004 §7.1), so a suspension holds even when a caller's context
 * says otherwise. Until mcp-config has answered once, decisions use the caller's context alone.
 */
@Injectable()
export class TenantFacts implements OnModuleInit, OnApplicationShutdown {
  private readonly log = new Logger(TenantFacts.name);
  private client: ConfigClient;
  private loaded = false;
  private stopped = false;
  private retry: NodeJS.Timeout | undefined;

  constructor(
    private readonly nats: NatsClient,
    private readonly rpc: RpcClient,
  ) {
    this.client = new ConfigClient(natsConfigTransport(nats, rpc));
  }

  onModuleInit(): void {
    void this.startWithRetry();
  }

  onApplicationShutdown(): void {
    this.stopped = true;
    clearTimeout(this.retry);
    this.client.stop();
  }

  private async startWithRetry(): Promise<void> {
    let warned = false;
    while (!this.stopped) {
      try {
        await this.client.start();
        this.loaded = true;
        this.log.log({ msg: 'tenant registry loaded from mcp-config', tenants: this.client.tenants().length });
        return;
      } catch (err) {
        if (!warned)
          this.log.warn({ msg: 'mcp-config not answering; deciding on callers’ tenant context until it does', err: String(err) });
        warned = true;
        this.client.stop();
        this.client = new ConfigClient(natsConfigTransport(this.nats, this.rpc));
        await new Promise<void>((r) => (this.retry = setTimeout(r, RETRY_MS)));
      }
    }
  }

  of(tenantId: string): TenantFactsOf | undefined {
    if (!this.loaded) return undefined;
    const record = this.client.tenant(tenantId);
    return record && { status: record.status, tier: record.tier };
  }
}
