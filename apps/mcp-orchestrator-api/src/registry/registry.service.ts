import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import {
  ConfigSecretResolve,
  DomainError,
  ErrorCode,
  PLATFORM_ADMIN_ROLE,
  ToolChanged,
  type RefreshOutcome,
  type RegistryScope,
  type ServerInfo,
  type ToolCallReply,
  type ToolInfo,
} from '#contracts';
import { decodeJson, EventBus, NatsClient, RpcClient } from '#messaging';
import { Events, type Subscription } from 'nats';
import type { TenantId } from '#tenancy';
import { APP_ENV } from '#env';
import type { OrchestratorApiEnv } from '../env.js';
import { OrchestratorDb, type RegistryScopeRef } from '../persistence/orchestrator-db.js';
import { UsageRecorder } from '../usage/usage-recorder.js';
import { RegistryCache } from './registry-cache.js';
import { RegistryRepository, toolInfo, type Catalog, type ToolRow, type UpstreamAuth } from './registry.repository.js';
import { UpstreamPool, type CallRelay, type UpstreamTarget } from './upstream-pool.js';

export interface Actor {
  tenantId: TenantId;
  principalId: string;
  roles: string[];
}

export interface ToolCallInput {
  server: string;
  tool: string;
  arguments: Record<string, unknown>;
  timeoutMs?: number;
  signal?: AbortSignal;
  idempotencyKey?: string;
  relay?: CallRelay;
}

interface ResolvedTool {
  ref: RegistryScopeRef;
  url: string;
  auth: UpstreamAuth | null;
  tool: ToolRow;
}

const CACHE_MAX_ENTRIES = 50_000;
/** The server slot of a listing's cache key: a listing spans all servers. */
const ANY_SERVER = '*';

function poolKey(ref: RegistryScopeRef, server: string): string {
  return ref.scope === 'global' ? `g/${server}` : `t/${ref.tenantId}/${server}`;
}

function parsePoolKey(key: string): { ref: RegistryScopeRef; server: string } {
  const parts = key.split('/');
  return parts[0] === 'g'
    ? { ref: { scope: 'global' }, server: parts[1]! }
    : { ref: { scope: 'tenant', tenantId: parts[1] as TenantId }, server: parts[2]! };
}

/**
 * The tool registry: upstream MCP servers (global or per tenant), their tools pinned by definition
 * hash, discovery on registration, on a schedule and on list_changed, and tool calls through the
 * upstream pool with usage recorded in the calling tenant's schema.
 */
@Injectable()
export class RegistryService implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly log = new Logger('registry');
  readonly pool: UpstreamPool;
  private timer?: NodeJS.Timeout;
  private readonly pendingRefresh = new Map<string, NodeJS.Timeout>();
  private readonly secrets = new Map<string, { value: string; expires: number }>();
  private readonly resolved: RegistryCache<ResolvedTool>;
  /** A tenant's tool listing (its own servers over the global ones), dropped with any change it could show. */
  private readonly listings: RegistryCache<ToolInfo[]>;
  private changes?: Subscription;

  constructor(
    private readonly db: OrchestratorDb,
    private readonly events: EventBus,
    private readonly rpc: RpcClient,
    private readonly nats: NatsClient,
    private readonly usage: UsageRecorder,
    @Inject(APP_ENV) private readonly env: OrchestratorApiEnv,
  ) {
    this.resolved = new RegistryCache(env.REGISTRY_CACHE_TTL_MS, CACHE_MAX_ENTRIES);
    this.listings = new RegistryCache(env.REGISTRY_CACHE_TTL_MS, CACHE_MAX_ENTRIES);
    this.pool = new UpstreamPool({
      maxConnectionsPerUpstream: env.UPSTREAM_POOL_SIZE,
      connectTimeoutMs: env.UPSTREAM_CONNECT_TIMEOUT_MS,
      breaker: { failureThreshold: env.UPSTREAM_BREAKER_FAILURES, resetTimeoutMs: env.UPSTREAM_BREAKER_RESET_MS },
      onListChanged: (key) => this.scheduleRefresh(key),
    });
  }

  onApplicationBootstrap(): void {
    // Every replica listens (no queue group): whichever replica changed the registry, all drop their entries.
    this.changes = this.nats.connection.subscribe(this.nats.subject(ToolChanged.subject), {
      callback: (_err, msg) => {
        const event = decodeJson(msg.data) as { tenantid?: unknown; data?: { server?: unknown; scope?: unknown } } | undefined;
        const server = event?.data?.server;
        if (typeof server !== 'string') return this.forgetAll();
        const tenantId = typeof event?.tenantid === 'string' ? event.tenantid : undefined;
        this.forget(event?.data?.scope === 'tenant' ? 'tenant' : 'global', server, tenantId);
      },
    });
    // Announcements published while disconnected are lost to this replica: forget everything.
    void (async () => {
      for await (const s of this.nats.connection.status()) if (s.type === Events.Reconnect) this.forgetAll();
    })();
    if (this.env.REGISTRY_REFRESH_INTERVAL_MS > 0) {
      this.timer = setInterval(() => void this.refreshAll(), this.env.REGISTRY_REFRESH_INTERVAL_MS);
      this.timer.unref();
    }
  }

  async onApplicationShutdown(): Promise<void> {
    this.changes?.unsubscribe();
    clearInterval(this.timer);
    for (const t of this.pendingRefresh.values()) clearTimeout(t);
    await this.pool.closeAll();
  }

  /** Writes to the global registry need the platform-admin role; a tenant's own registry is the tenant's. */
  scopeFor(actor: Actor, scope: RegistryScope | undefined, write: boolean): RegistryScopeRef {
    if ((scope ?? 'tenant') === 'tenant') return { scope: 'tenant', tenantId: actor.tenantId };
    if (write && !actor.roles.includes(PLATFORM_ADMIN_ROLE)) {
      throw new DomainError(ErrorCode.FORBIDDEN, 'Changing the global tool registry needs the platform-admin role');
    }
    return { scope: 'global' };
  }

  async register(
    ref: RegistryScopeRef,
    input: {
      name: string;
      url: string;
      version?: string;
      quarantineOnChange?: boolean;
      auth?: { secret: string; header?: string; scheme?: string };
      createdBy: string;
    },
  ): Promise<ServerInfo> {
    const auth: UpstreamAuth | null = input.auth
      ? { secret: input.auth.secret, header: (input.auth.header ?? 'authorization').toLowerCase(), scheme: input.auth.scheme ?? 'Bearer' }
      : null;
    const target = await this.target(ref, input.name, input.url, auth);
    const exists = await this.db.registry(ref, (sql) => new RegistryRepository(sql, ref.scope).server(input.name));
    if (exists) throw new DomainError(ErrorCode.CONFLICT, `A server named "${input.name}" is already registered`, { server: input.name });
    const catalog = await this.discover(target);
    const info = await this.db.registry(ref, async (sql) => {
      const repo = new RegistryRepository(sql, ref.scope);
      const inserted = await repo.insertServer({
        name: input.name,
        url: input.url,
        version: input.version ?? null,
        quarantineOnChange: input.quarantineOnChange ?? this.env.REGISTRY_QUARANTINE_ON_CHANGE,
        auth,
        createdBy: input.createdBy,
      });
      if (!inserted)
        throw new DomainError(ErrorCode.CONFLICT, `A server named "${input.name}" is already registered`, { server: input.name });
      await repo.applyCatalog((await repo.server(input.name, true))!, catalog, true, catalog.serverVersion);
      return (await repo.info(input.name))!;
    });
    this.publishChange(ref, input.name, []);
    return info;
  }

  async remove(ref: RegistryScopeRef, name: string): Promise<void> {
    const removed = await this.db.registry(ref, (sql) => new RegistryRepository(sql, ref.scope).deleteServer(name));
    if (!removed) throw new DomainError(ErrorCode.NOT_FOUND, `No server named "${name}"`, { server: name });
    await this.pool.drop(poolKey(ref, name));
    this.publishChange(ref, name, []);
  }

  async refresh(ref: RegistryScopeRef, name: string): Promise<ServerInfo & { changes: RefreshOutcome }> {
    const row = await this.db.registry(ref, (sql) => new RegistryRepository(sql, ref.scope).server(name));
    if (!row) throw new DomainError(ErrorCode.NOT_FOUND, `No server named "${name}"`, { server: name });
    let catalog: Catalog & { serverVersion: string | null };
    try {
      catalog = await this.discover(await this.target(ref, name, row.url, row.auth));
    } catch (err) {
      await this.db.registry(ref, (sql) => new RegistryRepository(sql, ref.scope).markUnreachable(name, (err as Error).message));
      throw err;
    }
    const result = await this.db.registry(ref, async (sql) => {
      const repo = new RegistryRepository(sql, ref.scope);
      const locked = await repo.server(name, true);
      if (!locked) throw new DomainError(ErrorCode.NOT_FOUND, `No server named "${name}"`, { server: name });
      const changes = await repo.applyCatalog(locked, catalog, false, catalog.serverVersion);
      return { ...(await repo.info(name))!, changes };
    });
    const { changes } = result;
    if (changes.added.length || changes.changed.length || changes.removed.length) {
      const quarantined = changes.changed.filter((c) => c.status === 'quarantined').map((c) => c.name);
      if (quarantined.length)
        this.log.warn({ msg: 'tool definitions changed and were quarantined', server: name, scope: ref.scope, tools: quarantined });
      this.publishChange(ref, name, quarantined);
    }
    return result;
  }

  async approve(ref: RegistryScopeRef, server: string, tool: string, version: number, approver: string): Promise<ToolInfo> {
    const row = await this.db.registry(ref, (sql) => new RegistryRepository(sql, ref.scope).approve(server, tool, version, approver));
    if (!row)
      throw new DomainError(ErrorCode.NOT_FOUND, `No quarantined version ${version} of ${server}/${tool}`, { server, tool, version });
    this.publishChange(ref, server, []);
    return toolInfo(row, ref.scope);
  }

  async listServers(tenantId: TenantId, scope?: RegistryScope): Promise<ServerInfo[]> {
    const out: ServerInfo[] = [];
    if (scope !== 'tenant') out.push(...(await this.db.global((sql) => new RegistryRepository(sql, 'global').infos())));
    if (scope !== 'global') out.push(...(await this.db.tenant(tenantId, (sql) => new RegistryRepository(sql, 'tenant').infos())));
    return out;
  }

  async listTools(tenantId: TenantId, includeQuarantined: boolean): Promise<ToolInfo[]> {
    const variant = includeQuarantined ? 'with-quarantined' : 'current';
    const cached = this.listings.get(tenantId, ANY_SERVER, variant);
    if (cached) return cached;
    const generation = this.listings.begin();
    const [global, own] = await Promise.all([
      this.db.global((sql) => new RegistryRepository(sql, 'global').currentTools(undefined, includeQuarantined)),
      this.db.tenant(tenantId, (sql) => new RegistryRepository(sql, 'tenant').currentTools(undefined, includeQuarantined)),
    ]);
    // A tenant's own server shadows a global one of the same name (calls resolve the same way).
    const ownServers = new Set(own.map((t) => t.server));
    const tools = [
      ...global.filter((t) => !ownServers.has(t.server)).map((t) => toolInfo(t, 'global')),
      ...own.map((t) => toolInfo(t, 'tenant')),
    ];
    this.listings.set(generation, tenantId, ANY_SERVER, variant, tools);
    return tools;
  }

  /** The tenant's server of that name, else the global one. */
  async resolveServer(tenantId: TenantId, server: string): Promise<{ ref: RegistryScopeRef; url: string; auth: UpstreamAuth | null }> {
    const tenantRef: RegistryScopeRef = { scope: 'tenant', tenantId };
    const own = await this.db.tenant(tenantId, (sql) => new RegistryRepository(sql, 'tenant').server(server));
    if (own) return { ref: tenantRef, url: own.url, auth: own.auth };
    const global = await this.db.global((sql) => new RegistryRepository(sql, 'global').server(server));
    if (global) return { ref: { scope: 'global' }, url: global.url, auth: global.auth };
    throw new DomainError(ErrorCode.NOT_FOUND, `No server named "${server}"`, { server });
  }

  /** Pool target with the upstream credentials resolved from mcp-config (cached for a minute). */
  async target(ref: RegistryScopeRef, server: string, url: string, auth: UpstreamAuth | null): Promise<UpstreamTarget> {
    if (!auth) return { key: poolKey(ref, server), url };
    const tenantId = ref.scope === 'tenant' ? ref.tenantId : undefined;
    const cacheKey = `${tenantId ?? ''}/${auth.secret}`;
    let cached = this.secrets.get(cacheKey);
    if (!cached || cached.expires < Date.now()) {
      const { value } = await this.rpc.request(ConfigSecretResolve, { name: auth.secret, ...(tenantId ? { tenantId } : {}) });
      cached = { value, expires: Date.now() + 60_000 };
      this.secrets.set(cacheKey, cached);
    }
    return { key: poolKey(ref, server), url, headers: { [auth.header]: auth.scheme ? `${auth.scheme} ${cached.value}` : cached.value } };
  }

  /** Server and current tool version a call resolves to; cached per replica (see RegistryCache). */
  private async resolveTool(tenantId: TenantId, server: string, tool: string): Promise<ResolvedTool> {
    const cached = this.resolved.get(tenantId, server, tool);
    if (cached) return cached;
    const generation = this.resolved.begin();
    const { ref, url, auth } = await this.resolveServer(tenantId, server);
    const current = await this.db.registry(ref, (sql) => new RegistryRepository(sql, ref.scope).currentTool(server, tool));
    if (!current) throw new DomainError(ErrorCode.NOT_FOUND, `No tool "${tool}" on server "${server}"`, { server, tool });
    const value = { ref, url, auth, tool: current };
    this.resolved.set(generation, tenantId, server, tool, value);
    return value;
  }

  async callTool(tenantId: TenantId, input: ToolCallInput): Promise<ToolCallReply> {
    const { ref, url, auth, tool: current } = await this.resolveTool(tenantId, input.server, input.tool);
    if (current.status === 'quarantined') {
      throw new DomainError(
        ErrorCode.FORBIDDEN,
        `Tool ${input.server}/${input.tool} changed its definition and is quarantined until approved`,
        {
          reason: 'quarantined',
          server: input.server,
          tool: input.tool,
          version: current.version,
        },
      );
    }
    const timeoutMs = Math.min(input.timeoutMs ?? this.env.TOOL_CALL_TIMEOUT_MS, this.env.TOOL_CALL_TIMEOUT_MS);
    const started = performance.now();
    let failed = true;
    try {
      const result = await this.pool.callTool(await this.target(ref, input.server, url, auth), input.tool, input.arguments, {
        timeoutMs,
        signal: input.signal,
        idempotencyKey: input.idempotencyKey,
        relay: input.relay,
      });
      failed = result.isError === true;
      return {
        server: input.server,
        tool: input.tool,
        version: current.version,
        latencyMs: Math.round(performance.now() - started),
        result: result as ToolCallReply['result'],
      };
    } finally {
      const latencyMs = performance.now() - started;
      this.usage
        .record(tenantId, { kind: 'tool', subject: `${input.server}/${input.tool}`, error: failed, latencyMs })
        .catch((err: unknown) => this.log.error({ msg: 'usage not recorded', err: (err as Error).message }));
    }
  }

  private async discover(target: UpstreamTarget): Promise<Catalog & { serverVersion: string | null }> {
    const listed = await this.pool.listAll(target, this.env.UPSTREAM_CONNECT_TIMEOUT_MS * 2);
    return {
      tools: listed.tools.map((t) => ({ ...t, inputSchema: t.inputSchema })),
      resources: listed.resources,
      resourceTemplates: listed.resourceTemplates,
      prompts: listed.prompts,
      serverVersion: listed.serverVersion,
    };
  }

  private scheduleRefresh(key: string) {
    // Upstreams often send several list_changed in a burst; one refresh covers them.
    if (this.pendingRefresh.has(key)) return;
    this.pendingRefresh.set(
      key,
      setTimeout(() => {
        this.pendingRefresh.delete(key);
        const { ref, server } = parsePoolKey(key);
        this.refresh(ref, server).catch((err: unknown) =>
          this.log.warn({ msg: 'refresh after list_changed failed', server, err: (err as Error).message }),
        );
      }, 100),
    );
  }

  private async refreshAll() {
    const jobs: { ref: RegistryScopeRef; name: string }[] = [];
    for (const s of await this.db.global((sql) => new RegistryRepository(sql, 'global').servers()))
      jobs.push({ ref: { scope: 'global' }, name: s.name });
    for (const tenantId of await this.db.knownTenants()) {
      for (const s of await this.db.tenant(tenantId, (sql) => new RegistryRepository(sql, 'tenant').servers()))
        jobs.push({ ref: { scope: 'tenant', tenantId }, name: s.name });
    }
    for (const j of jobs) {
      await this.refresh(j.ref, j.name).catch((err: unknown) =>
        this.log.warn({ msg: 'scheduled refresh failed', server: j.name, err: (err as Error).message }),
      );
    }
  }

  private forget(scope: RegistryScope, server: string, tenantId?: string) {
    this.resolved.invalidate(scope, server, tenantId);
    // A global server shows in every tenant's listing; a tenant's own only in that tenant's.
    if (scope === 'global' || tenantId === undefined) this.listings.clear();
    else this.listings.invalidate('tenant', ANY_SERVER, tenantId);
  }

  private forgetAll() {
    this.resolved.clear();
    this.listings.clear();
  }

  private publishChange(ref: RegistryScopeRef, server: string, quarantined: string[]) {
    // This replica's own callers must see the change before the reply, not when the event comes back.
    this.forget(ref.scope, server, ref.scope === 'tenant' ? ref.tenantId : undefined);
    this.events.publish(ToolChanged, { server, scope: ref.scope, quarantined }, ref.scope === 'tenant' ? { tenantId: ref.tenantId } : {});
  }
}
