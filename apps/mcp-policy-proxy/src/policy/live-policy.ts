import { Inject, Injectable, Logger, type OnApplicationShutdown, type OnModuleInit } from '@nestjs/common';
import { APP_ENV } from '#env';
import { PolicyIndex } from '../engine/policy-index.js';
import { applyToIndex, classifyEvent, type PolicyChange } from '../store/changes.js';
import { PolicyStore, type LoadedPolicy } from '../store/policy-store.js';
import type { PolicyProxyEnv } from '../env.js';
import { policyReloadsTotal, policyRulesGauge, policyVersionGauge } from './metrics.js';

/**
 * The policy this instance decides with, and the version it corresponds to. Every update
 * (incremental event, own commit, full reload) runs one at a time, so the index and version
 * always move together. A periodic version check reloads an instance that missed an event.
 */
@Injectable()
export class LivePolicy implements OnModuleInit, OnApplicationShutdown {
  private readonly log = new Logger(LivePolicy.name);
  private current = new PolicyIndex();
  private heldVersion = 0;
  private queue: Promise<unknown> = Promise.resolve();
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly store: PolicyStore,
    @Inject(APP_ENV) private readonly env: PolicyProxyEnv,
  ) {}

  get index(): PolicyIndex {
    return this.current;
  }
  get version(): number {
    return this.heldVersion;
  }

  async onModuleInit(): Promise<void> {
    await this.reload('boot');
    this.timer = setInterval(() => void this.resync(), this.env.POLICY_RESYNC_INTERVAL_MS);
    this.timer.unref();
  }

  onApplicationShutdown(): void {
    if (this.timer) clearInterval(this.timer);
  }

  private serial<T>(task: () => Promise<T> | T): Promise<T> {
    const run = this.queue.then(task);
    this.queue = run.catch(() => undefined);
    return run;
  }

  reload(cause: string): Promise<void> {
    return this.serial(async () => this.install(await this.store.load(), cause));
  }

  /** Replaces the index with a snapshot read elsewhere (inside a writer's transaction). */
  replace(snapshot: LoadedPolicy, cause: string): Promise<void> {
    return this.serial(() => this.install(snapshot, cause));
  }

  private install(snapshot: LoadedPolicy, cause: string): void {
    const index = new PolicyIndex();
    for (const r of snapshot.rules) index.addRule(r);
    for (const b of snapshot.bindings) index.addBinding(b);
    this.current = index;
    this.heldVersion = snapshot.version;
    policyReloadsTotal.inc({ cause });
    this.observe();
    this.log.log({ msg: 'policy loaded', cause, version: snapshot.version, rules: index.ruleCount, bindings: index.bindingCount });
  }

  /**
   * Applies version `version` if it is the next one; ignores one already held; reloads on a gap.
   * Used for change events from any instance and for this instance's own commits.
   */
  advance(version: number, changes: readonly PolicyChange[]): Promise<void> {
    return this.serial(async () => {
      const verdict = classifyEvent(this.heldVersion, version);
      if (verdict === 'stale') return;
      if (verdict === 'gap') {
        this.log.warn({ msg: 'policy version gap; reloading', held: this.heldVersion, received: version });
        this.install(await this.store.load(), 'gap');
        return;
      }
      try {
        applyToIndex(this.current, changes);
        this.heldVersion = version;
        this.observe();
      } catch (err) {
        // The index may be half-updated: rebuild it from the database rather than trust it.
        this.log.error({ msg: 'could not apply policy change; reloading', version, err: err instanceof Error ? err.message : String(err) });
        this.install(await this.store.load(), 'error');
      }
    });
  }

  private async resync(): Promise<void> {
    try {
      const dbVersion = await this.store.currentVersion();
      if (dbVersion > this.heldVersion) await this.reload('resync');
    } catch (err) {
      this.log.warn({ msg: 'policy resync check failed', err: err instanceof Error ? err.message : String(err) });
    }
  }

  private observe(): void {
    policyVersionGauge.set(this.heldVersion);
    policyRulesGauge.set(this.current.ruleCount);
  }
}
