import type { DataSource, EntityManager } from 'typeorm';
import { bindingKey, type PolicyRule, type RoleBinding } from '../engine/rules.js';
import { replay, type PolicyChange, type PolicySnapshot } from './changes.js';

export interface LoadedPolicy {
  readonly version: number;
  readonly rules: PolicyRule[];
  readonly bindings: RoleBinding[];
}

export interface VersionMeta {
  readonly actor: string;
  /** rule.add, rule.remove, binding.add, binding.remove, tenant.bootstrap, rollback */
  readonly action: string;
  readonly domain: string;
  readonly rollbackTo?: number | undefined;
}

export interface VersionRecord extends VersionMeta {
  readonly version: number;
  readonly at: string;
  readonly changes: number;
}

/** Inside a policy mutation: the database's version and policy, read under the writers' lock. */
export interface MutationContext {
  readonly dbVersion: number;
  load(): Promise<LoadedPolicy>;
  stateAt(version: number): Promise<PolicySnapshot>;
}

// All writers of policy versions serialise on this advisory lock, so versions are gap-free.
const VERSION_LOCK = 0x706f6c31; // 'pol1'

interface RuleRow {
  id: string;
  domain: string;
  subject: string;
  resource: string;
  action: string;
  condition: string;
  effect: 'allow' | 'deny';
  reason: string | null;
  description: string | null;
}

const ruleFromRow = (r: RuleRow): PolicyRule => ({
  id: r.id,
  domain: r.domain,
  subject: r.subject,
  resource: r.resource,
  action: r.action,
  condition: r.condition,
  effect: r.effect,
  ...(r.reason !== null ? { reason: r.reason } : {}),
  ...(r.description !== null ? { description: r.description } : {}),
});

async function load(m: EntityManager): Promise<LoadedPolicy> {
  const [v] = await m.query<{ version: string }[]>(`SELECT coalesce(max(version), 0) AS version FROM policy.versions`);
  const rules = await m.query<RuleRow[]>(
    `SELECT id, domain, subject, resource, action, condition, effect, reason, description FROM policy.rules ORDER BY id`,
  );
  const bindings = await m.query<{ domain: string; subject_id: string; role: string }[]>(
    `SELECT domain, subject_id, role FROM policy.bindings ORDER BY domain, subject_id, role`,
  );
  return {
    version: Number(v!.version),
    rules: rules.map(ruleFromRow),
    bindings: bindings.map((b) => ({ domain: b.domain, subjectId: b.subject_id, role: b.role })),
  };
}

/** Rules, bindings and their versions in Postgres (schema `policy`, see the migration). */
export class PolicyStore {
  constructor(private readonly db: DataSource) {}

  /** A consistent snapshot: version, rules and bindings read in one repeatable-read transaction. */
  load(): Promise<LoadedPolicy> {
    return this.db.transaction('REPEATABLE READ', load);
  }

  async currentVersion(): Promise<number> {
    const [v] = await this.db.query<{ version: string }[]>(`SELECT coalesce(max(version), 0) AS version FROM policy.versions`);
    return Number(v!.version);
  }

  /**
   * Records one version. `plan` runs under the writers' lock with the database's current version,
   * decides the changes (throwing rejects the whole mutation) and may return none, in which case
   * no version is written.
   */
  mutate(
    meta: VersionMeta,
    plan: (ctx: MutationContext) => Promise<PolicyChange[]>,
  ): Promise<{ version: number; changes: PolicyChange[] } | undefined> {
    return this.db.transaction(async (m) => {
      await m.query(`SELECT pg_advisory_xact_lock($1)`, [VERSION_LOCK]);
      const [v] = await m.query<{ version: string }[]>(`SELECT coalesce(max(version), 0) AS version FROM policy.versions`);
      const dbVersion = Number(v!.version);
      const changes = await plan({ dbVersion, load: () => load(m), stateAt: (at) => this.stateAt(at, m) });
      if (!changes.length) return undefined;
      const version = dbVersion + 1;
      await m.query(`INSERT INTO policy.versions (version, actor, action, domain, rollback_to) VALUES ($1, $2, $3, $4, $5)`, [
        version,
        meta.actor,
        meta.action,
        meta.domain,
        meta.rollbackTo ?? null,
      ]);
      let ordinal = 0;
      for (const c of changes) await this.write(m, version, ordinal++, c);
      return { version, changes };
    });
  }

  private async write(m: EntityManager, version: number, ordinal: number, c: PolicyChange): Promise<void> {
    const [domain, key, item] =
      c.kind === 'rule' ? [c.rule.domain, c.rule.id, c.rule] : [c.binding.domain, bindingKey(c.binding), c.binding];
    const json = JSON.stringify(item);
    await m.query(
      `INSERT INTO policy.changes (version, ordinal, kind, op, domain, item_key, value, previous) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`,
      [version, ordinal, c.kind, c.op, domain, key, c.op === 'add' ? json : null, c.op === 'remove' ? json : null],
    );
    if (c.kind === 'rule') {
      if (c.op === 'remove') {
        await m.query(`DELETE FROM policy.rules WHERE id = $1`, [c.rule.id]);
        return;
      }
      const r = c.rule;
      await m.query(
        `INSERT INTO policy.rules (id, domain, subject, resource, action, condition, effect, reason, description, version)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)`,
        [r.id, r.domain, r.subject, r.resource, r.action, r.condition, r.effect, r.reason ?? null, r.description ?? null, version],
      );
    } else if (c.op === 'remove') {
      await m.query(`DELETE FROM policy.bindings WHERE domain = $1 AND subject_id = $2 AND role = $3`, [
        c.binding.domain,
        c.binding.subjectId,
        c.binding.role,
      ]);
    } else {
      await m.query(`INSERT INTO policy.bindings (domain, subject_id, role, version) VALUES ($1, $2, $3, $4)`, [
        c.binding.domain,
        c.binding.subjectId,
        c.binding.role,
        version,
      ]);
    }
  }

  /** Version history, newest first; restricted to one domain when given. */
  async versions(domain: string | undefined, limit: number): Promise<VersionRecord[]> {
    const rows = await this.db.query<
      { version: string; actor: string; action: string; domain: string; rollback_to: string | null; at: Date; changes: string }[]
    >(
      `SELECT v.version, v.actor, v.action, v.domain, v.rollback_to, v.at,
              (SELECT count(*) FROM policy.changes c WHERE c.version = v.version) AS changes
         FROM policy.versions v
        WHERE $1::text IS NULL OR v.domain = $1
        ORDER BY v.version DESC LIMIT $2`,
      [domain ?? null, limit],
    );
    return rows.map((r) => ({
      version: Number(r.version),
      actor: r.actor,
      action: r.action,
      domain: r.domain,
      ...(r.rollback_to !== null ? { rollbackTo: Number(r.rollback_to) } : {}),
      at: r.at.toISOString(),
      changes: Number(r.changes),
    }));
  }

  /** The changes of one version with who made it and when; undefined if there is no such version. */
  async version(version: number): Promise<(VersionRecord & { items: PolicyChange[] }) | undefined> {
    const [v] = await this.db.query<{ actor: string; action: string; domain: string; rollback_to: string | null; at: Date }[]>(
      `SELECT actor, action, domain, rollback_to, at FROM policy.versions WHERE version = $1`,
      [version],
    );
    if (!v) return undefined;
    const items = await this.changes(`WHERE version = $1`, [version]);
    return {
      version,
      actor: v.actor,
      action: v.action,
      domain: v.domain,
      ...(v.rollback_to !== null ? { rollbackTo: Number(v.rollback_to) } : {}),
      at: v.at.toISOString(),
      changes: items.length,
      items,
    };
  }

  /** The policy as it stood right after `version`, rebuilt from the change log. */
  async stateAt(version: number, m: EntityManager = this.db.manager): Promise<PolicySnapshot> {
    return replay(await this.changes(`WHERE version <= $1`, [version], m));
  }

  private async changes(where: string, params: unknown[], m: EntityManager = this.db.manager): Promise<PolicyChange[]> {
    const rows = await m.query<{ kind: 'rule' | 'binding'; op: 'add' | 'remove'; value: unknown; previous: unknown }[]>(
      `SELECT kind, op, value, previous FROM policy.changes ${where} ORDER BY version, ordinal`,
      params,
    );
    return rows.map((r) => {
      const item = (r.op === 'add' ? r.value : r.previous) as never;
      return r.kind === 'rule' ? { kind: 'rule', op: r.op, rule: item } : { kind: 'binding', op: r.op, binding: item };
    });
  }
}
