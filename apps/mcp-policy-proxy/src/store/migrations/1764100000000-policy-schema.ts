import type { MigrationInterface, QueryRunner } from 'typeorm';
import { PLATFORM_RULES } from '../../engine/default-policy.js';

/**
 * Policy storage. Rules and bindings are platform data keyed by domain (tenant id or "*"), kept in
 * one schema because every instance loads all of them; every change is a numbered version with its
 * actor and the values it added and removed. The decision log is one hash chain for the platform.
 * Version 1 installs the platform rules of seed 004 §7.1.
 */
export class PolicySchema1764100000000 implements MigrationInterface {
  name = 'PolicySchema1764100000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE SCHEMA IF NOT EXISTS policy`);
    await q.query(`
      CREATE TABLE policy.versions (
        version     bigint PRIMARY KEY,
        actor       text NOT NULL,
        action      text NOT NULL,
        domain      text NOT NULL,
        rollback_to bigint NULL,
        at          timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`CREATE INDEX versions_domain ON policy.versions (domain, version)`);
    await q.query(`
      CREATE TABLE policy.changes (
        version  bigint NOT NULL REFERENCES policy.versions (version),
        ordinal  integer NOT NULL,
        kind     text NOT NULL CHECK (kind IN ('rule', 'binding')),
        op       text NOT NULL CHECK (op IN ('add', 'remove')),
        domain   text NOT NULL,
        item_key text NOT NULL,
        value    jsonb NULL,
        previous jsonb NULL,
        PRIMARY KEY (version, ordinal),
        CHECK ((op = 'add' AND value IS NOT NULL) OR (op = 'remove' AND previous IS NOT NULL))
      )`);
    await q.query(`
      CREATE TABLE policy.rules (
        id          text PRIMARY KEY,
        domain      text NOT NULL,
        subject     text NOT NULL,
        resource    text NOT NULL,
        action      text NOT NULL,
        condition   text NOT NULL,
        effect      text NOT NULL CHECK (effect IN ('allow', 'deny')),
        reason      text NULL,
        description text NULL,
        version     bigint NOT NULL
      )`);
    await q.query(`CREATE INDEX rules_domain ON policy.rules (domain)`);
    await q.query(`
      CREATE TABLE policy.bindings (
        domain     text NOT NULL,
        subject_id text NOT NULL,
        role       text NOT NULL,
        version    bigint NOT NULL,
        PRIMARY KEY (domain, subject_id, role)
      )`);
    await q.query(`
      CREATE TABLE policy.decision_log (
        seq           bigint PRIMARY KEY,
        decision_id   uuid NOT NULL,
        at            timestamptz NOT NULL,
        tenant_id     text NOT NULL,
        subject_id    text NOT NULL,
        action        text NOT NULL,
        resource_type text NOT NULL,
        allow         boolean NOT NULL,
        reason        text NOT NULL,
        matched_rule  text NULL,
        trace_id      text NULL,
        latency_us    integer NOT NULL,
        input         text NOT NULL,
        prev_hash     char(64) NOT NULL,
        hash          char(64) NOT NULL
      )`);
    await q.query(`CREATE INDEX decision_log_at ON policy.decision_log (at)`);
    await q.query(`CREATE INDEX decision_log_tenant ON policy.decision_log (tenant_id, at)`);
    // Where verification starts once retention has removed the head of the chain.
    await q.query(`
      CREATE TABLE policy.decision_log_anchor (
        id        smallint PRIMARY KEY CHECK (id = 1),
        seq       bigint NOT NULL,
        hash      char(64) NOT NULL,
        pruned_at timestamptz NOT NULL
      )`);

    await q.query(`INSERT INTO policy.versions (version, actor, action, domain) VALUES (1, 'system:migration', 'install', '*')`);
    let ordinal = 0;
    for (const r of PLATFORM_RULES) {
      await q.query(
        `INSERT INTO policy.changes (version, ordinal, kind, op, domain, item_key, value) VALUES (1, $1, 'rule', 'add', $2, $3, $4)`,
        [ordinal++, r.domain, r.id, JSON.stringify(r)],
      );
      await q.query(
        `INSERT INTO policy.rules (id, domain, subject, resource, action, condition, effect, reason, description, version)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, 1)`,
        [r.id, r.domain, r.subject, r.resource, r.action, r.condition, r.effect, r.reason ?? null, r.description ?? null],
      );
    }
  }

  async down(q: QueryRunner): Promise<void> {
    for (const table of ['decision_log_anchor', 'decision_log', 'bindings', 'rules', 'changes', 'versions']) {
      await q.query(`DROP TABLE policy.${table}`);
    }
  }
}
