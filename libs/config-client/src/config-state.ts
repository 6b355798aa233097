import { CONFIG_EVENT_SUBJECTS, type ConfigEvent, type ConfigSnapshot, type FlagDefinition, type TenantRecord } from '#contracts';

/**
 * What applying one event did:
 * - `applied`: it was the next revision;
 * - `stale`: already covered by the current revision (duplicate or re-published);
 * - `gap`: one or more earlier revisions were missed. The event's own change is still
 *   applied (flags and tenants travel whole, newest version wins), but the caller must
 *   resynchronize to pick up what was missed.
 */
export type ApplyOutcome = 'applied' | 'stale' | 'gap';

/**
 * The in-memory copy of flags and tenants that #config-client keeps. Pure: no I/O, so the
 * ordering rules (revisions, per-object versions) are testable on their own.
 */
export class ConfigState {
  private current = -1;
  private loaded = false;
  private readonly flagsByKey = new Map<string, FlagDefinition>();
  private readonly tenantsById = new Map<string, TenantRecord>();

  /** -1 until the first snapshot. */
  get revision(): number {
    return this.current;
  }

  /** True once a snapshot has been loaded (events alone never make the state complete). */
  get synced(): boolean {
    return this.loaded;
  }

  flag(key: string): FlagDefinition | undefined {
    return this.flagsByKey.get(key);
  }

  flags(): FlagDefinition[] {
    return [...this.flagsByKey.values()];
  }

  tenant(id: string): TenantRecord | undefined {
    return this.tenantsById.get(id);
  }

  tenants(): TenantRecord[] {
    return [...this.tenantsById.values()];
  }

  /**
   * Replaces everything. The caller buffers events while the snapshot request is in
   * flight and re-applies them afterwards; those the snapshot already covers are `stale`.
   */
  load(snapshot: ConfigSnapshot): void {
    this.flagsByKey.clear();
    this.tenantsById.clear();
    for (const f of snapshot.flags) this.flagsByKey.set(f.key, f);
    for (const t of snapshot.tenants) this.tenantsById.set(t.id, t);
    this.current = snapshot.revision;
    this.loaded = true;
  }

  apply(event: ConfigEvent): ApplyOutcome {
    const revision = event.data.revision;
    if (revision <= this.current) return 'stale';
    switch (event.subject) {
      case CONFIG_EVENT_SUBJECTS.flagChanged: {
        const known = this.flagsByKey.get(event.data.flag.key);
        if (!known || known.version <= event.data.flag.version) this.flagsByKey.set(event.data.flag.key, event.data.flag);
        break;
      }
      case CONFIG_EVENT_SUBJECTS.tenantChanged: {
        const known = this.tenantsById.get(event.data.tenant.id);
        if (!known || known.version <= event.data.tenant.version) this.tenantsById.set(event.data.tenant.id, event.data.tenant);
        break;
      }
      default:
        // Other kinds carry nothing this cache holds; they still advance the revision.
        break;
    }
    const outcome: ApplyOutcome = revision === this.current + 1 ? 'applied' : 'gap';
    this.current = revision;
    return outcome;
  }
}
