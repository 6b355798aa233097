import {
  CONFIG_EVENT_SUBJECTS,
  CONFIG_EVENTS_WILDCARD,
  type ApiKeyRevokedData,
  type ConfigEvent,
  type ConfigSnapshot,
  type FlagChangedData,
  type SyncReason,
  type TenantChangedData,
  type EvaluationContext,
  type FlagEvaluation,
  type JsonValue,
  type TenantRecord,
} from '#contracts';
import { ConfigState } from './config-state.js';
import { evaluateFlag, notFound } from './flag-evaluator.js';
import { resolveSecretRefs, type SecretResolver } from './secret-refs.js';

/**
 * The two things the client needs from NATS. `natsConfigTransport` (./nats-transport.ts)
 * implements it on #messaging; tests of the client's logic can implement it in memory.
 */
export interface ConfigClientTransport {
  /** Request/reply to mcp-config (config.sync.*, config.entry.resolve); rejects on an error reply or timeout. */
  request<T>(subject: string, payload: object): Promise<T>;
  /** Subscribes to `events.config.>`; the handler gets each event's subject and CloudEvents `data`. */
  subscribeEvents(wildcard: string, handler: (event: ConfigEvent) => void): () => void;
  /** Called after the NATS connection is re-established (events may have been lost meanwhile). */
  onReconnect(handler: () => void): () => void;
}

export interface ConfigClientOptions {
  /**
   * How often to compare revisions with mcp-config even without a visible gap, which
   * catches a lost *last* event (there is no next event to reveal the hole). Default 15 s.
   */
  revisionCheckMs?: number;
  /** Delay between retries of a failed resync. Default 500 ms. */
  retryMs?: number;
  /** Told about failed resyncs; never given config values. */
  onError?: (error: unknown) => void;
}

export interface ConfigClientEvents {
  /** A flag was set, killed or un-killed (after the cache was updated). */
  'flag.changed': FlagChangedData;
  /** A tenant was onboarded, changed, suspended, resumed or deleted (after the cache was updated). */
  'tenant.changed': TenantChangedData;
  /** An API key was revoked: drop any cached verification of it now. */
  'apikey.revoked': ApiKeyRevokedData;
  /**
   * The cache was reloaded from a snapshot because events were missed. Revocations in
   * the missed range are not replayed one by one, so a holder of derived caches (the
   * gateway's verified-API-key cache) must flush them on this event.
   */
  resynced: { revision: number };
}

type Listener<K extends keyof ConfigClientEvents> = (data: ConfigClientEvents[K]) => void;

export const CONFIG_SYNC_SNAPSHOT = 'config.sync.snapshot';
export const CONFIG_ENTRY_RESOLVE = 'config.entry.resolve';
export const CONFIG_SYNC_REVISION = 'config.sync.revision';

/**
 * Live, in-process copy of mcp-config's flags and tenant registry.
 *
 *   const config = new ConfigClient(natsConfigTransport(nats, { subjectPrefix }));
 *   await config.start();                       // subscribes, then loads a snapshot
 *   config.isEnabled('new-ui', { tenantId, userId });
 *   config.tenant('tenant-123')?.status;        // 'active' | 'suspended' | 'deleted'
 *   config.on('apikey.revoked', ({ keyId }) => cache.delete(keyId));
 *
 * Flag evaluation is local and synchronous (no network per check). Changes arrive as
 * events within milliseconds; a hole in the revision sequence, a NATS reconnect or a
 * periodic revision check triggers a resync from a snapshot.
 */
export class ConfigClient {
  private readonly state = new ConfigState();
  private readonly listeners = new Map<keyof ConfigClientEvents, Set<Listener<never>>>();
  private readonly disposers: Array<() => void> = [];
  private buffer: ConfigEvent[] | null = null;
  private resyncing: Promise<void> | null = null;
  private resyncAgain = false;
  private timer: NodeJS.Timeout | undefined;
  private stopped = false;

  constructor(
    private readonly transport: ConfigClientTransport,
    private readonly options: ConfigClientOptions = {},
  ) {}

  /** Resolves once the first snapshot is loaded; rejects if mcp-config cannot be reached. */
  async start(): Promise<void> {
    // Subscribe before the snapshot so nothing committed after it can slip between the two.
    this.disposers.push(this.transport.subscribeEvents(CONFIG_EVENTS_WILDCARD, (e) => this.onEvent(e)));
    this.disposers.push(this.transport.onReconnect(() => this.requestResync('reconnect')));
    await this.resync('start');
    this.timer = setInterval(() => void this.checkRevision(), this.options.revisionCheckMs ?? 15_000);
    this.timer.unref();
  }

  stop(): void {
    this.stopped = true;
    clearInterval(this.timer);
    for (const dispose of this.disposers.splice(0)) dispose();
  }

  /** Revision of the cached state (-1 before start()). */
  get revision(): number {
    return this.state.revision;
  }

  evaluate(flagKey: string, context: EvaluationContext): FlagEvaluation {
    const flag = this.state.flag(flagKey);
    return flag ? evaluateFlag(flag, context) : notFound(null);
  }

  /** Boolean flag value; `fallback` when the flag is unknown or not boolean. */
  isEnabled(flagKey: string, context: EvaluationContext, fallback = false): boolean {
    const { value } = this.evaluate(flagKey, context);
    return typeof value === 'boolean' ? value : fallback;
  }

  /** Multivariate flag value; `fallback` when the flag is unknown. */
  variation<T extends JsonValue>(flagKey: string, context: EvaluationContext, fallback: T): T {
    const flag = this.state.flag(flagKey);
    return flag ? (evaluateFlag(flag, context).value as T) : fallback;
  }

  /**
   * Reads a config entry for this app's own use with every secret reference resolved:
   * `config://` by mcp-config (config.entry.resolve), the other schemes here by `resolvers`
   * (e.g. `{ env: envSecretResolver(env) }`). The result holds secrets: do not log it.
   */
  async resolveEntry(
    request: { key: string; environment: string; tenantId?: string },
    resolvers: Partial<Record<string, SecretResolver>> = {},
  ): Promise<JsonValue> {
    const entry = await this.transport.request<{ value: JsonValue }>(CONFIG_ENTRY_RESOLVE, request);
    return resolveSecretRefs(entry.value, resolvers);
  }

  /** The tenant as last published, or undefined when it does not exist. */
  tenant(id: string): TenantRecord | undefined {
    return this.state.tenant(id);
  }

  tenants(): TenantRecord[] {
    return this.state.tenants();
  }

  on<K extends keyof ConfigClientEvents>(event: K, listener: Listener<K>): () => void {
    let set = this.listeners.get(event);
    if (!set) this.listeners.set(event, (set = new Set()));
    set.add(listener as Listener<never>);
    return () => set.delete(listener as Listener<never>);
  }

  private emit<K extends keyof ConfigClientEvents>(event: K, data: ConfigClientEvents[K]): void {
    for (const listener of this.listeners.get(event) ?? []) {
      try {
        (listener as Listener<K>)(data);
      } catch (error) {
        this.options.onError?.(error);
      }
    }
  }

  private onEvent(event: ConfigEvent): void {
    if (this.buffer) {
      this.buffer.push(event);
      return;
    }
    this.applyAndNotify(event);
  }

  private applyAndNotify(event: ConfigEvent): void {
    const outcome = this.state.apply(event);
    if (outcome === 'stale') return;
    switch (event.subject) {
      case CONFIG_EVENT_SUBJECTS.flagChanged:
        this.emit('flag.changed', event.data);
        break;
      case CONFIG_EVENT_SUBJECTS.tenantChanged:
        this.emit('tenant.changed', event.data);
        break;
      case CONFIG_EVENT_SUBJECTS.apikeyRevoked:
        this.emit('apikey.revoked', event.data);
        break;
      default:
        break;
    }
    if (outcome === 'gap') this.requestResync('gap');
  }

  private requestResync(reason: SyncReason): void {
    if (this.stopped) return;
    if (this.resyncing) {
      this.resyncAgain = true;
      return;
    }
    void this.resync(reason).catch(() => undefined);
  }

  private resync(reason: SyncReason): Promise<void> {
    const run = async () => {
      for (;;) {
        this.resyncAgain = false;
        this.buffer = [];
        try {
          const snapshot = await this.transport.request<ConfigSnapshot>(CONFIG_SYNC_SNAPSHOT, { reason });
          this.state.load(snapshot);
          const buffered = this.buffer;
          this.buffer = null;
          for (const event of buffered) this.applyAndNotify(event);
          this.emit('resynced', { revision: this.state.revision });
        } catch (error) {
          // Keep serving the last known state; what arrived meanwhile still applies.
          const buffered = this.buffer ?? [];
          this.buffer = null;
          for (const event of buffered) this.applyAndNotify(event);
          this.options.onError?.(error);
          if (!this.state.synced || this.stopped) throw error;
          await new Promise((r) => setTimeout(r, this.options.retryMs ?? 500).unref());
          this.resyncAgain = true;
        }
        if (!this.resyncAgain || this.stopped) return;
      }
    };
    this.resyncing = run().finally(() => {
      this.resyncing = null;
    });
    return this.resyncing;
  }

  private async checkRevision(): Promise<void> {
    if (this.resyncing || this.stopped) return;
    try {
      const { revision } = await this.transport.request<{ revision: number }>(CONFIG_SYNC_REVISION, { knownRevision: this.state.revision });
      if (revision > this.state.revision) this.requestResync('check');
    } catch (error) {
      this.options.onError?.(error);
    }
  }
}
