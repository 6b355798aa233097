import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * mcp-config's own tables, in its schema `config` (names are qualified: TypeORM does not
 * set search_path, and tenant schemas share the database).
 *
 * Every change (entry, flag, tenant, API key) takes the next value of the single-row
 * `config_revision` counter inside its transaction. A row lock rather than a sequence:
 * sequences leave holes on rollback and hand out numbers in start order, not commit
 * order, and clients detect missed events precisely by holes in the revision stream.
 * The same transaction appends the event to `config_outbox`; it is published after
 * commit and re-published by a sweeper if NATS was down, so no committed change is
 * silently lost to subscribers.
 */
export class ConfigSchema1764190000000 implements MigrationInterface {
  name = 'ConfigSchema1764190000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE config.config_revision (
        singleton boolean PRIMARY KEY DEFAULT true CHECK (singleton),
        revision bigint NOT NULL
      )`);
    await q.query(`INSERT INTO config.config_revision (singleton, revision) VALUES (true, 0)`);

    await q.query(`
      CREATE TABLE config.config_outbox (
        revision bigint PRIMARY KEY,
        event_type text NOT NULL,
        data jsonb NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        published_at timestamptz
      )`);
    await q.query(`CREATE INDEX config_outbox_unpublished ON config.config_outbox (revision) WHERE published_at IS NULL`);

    await q.query(`
      CREATE TABLE config.config_schemas (
        key text PRIMARY KEY,
        schema jsonb NOT NULL,
        updated_at timestamptz NOT NULL DEFAULT now(),
        updated_by text NOT NULL
      )`);

    // environment '*' is the default scope and tenant_id '' means "not tenant-scoped":
    // empty markers instead of NULL keep the unique constraint meaningful.
    await q.query(`
      CREATE TABLE config.config_entries (
        id bigserial PRIMARY KEY,
        key text NOT NULL,
        environment text NOT NULL,
        tenant_id text NOT NULL DEFAULT '',
        value jsonb NOT NULL,
        version integer NOT NULL,
        updated_at timestamptz NOT NULL DEFAULT now(),
        updated_by text NOT NULL,
        UNIQUE (key, environment, tenant_id)
      )`);
    await q.query(`
      CREATE TABLE config.config_entry_versions (
        entry_id bigint NOT NULL REFERENCES config.config_entries (id) ON DELETE CASCADE,
        version integer NOT NULL,
        value jsonb NOT NULL,
        diff jsonb NOT NULL,
        operation text NOT NULL CHECK (operation IN ('set', 'rollback')),
        actor text NOT NULL,
        reason text,
        revision bigint NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (entry_id, version)
      )`);

    await q.query(`
      CREATE TABLE config.flags (
        key text PRIMARY KEY,
        definition jsonb NOT NULL,
        version integer NOT NULL,
        updated_at timestamptz NOT NULL DEFAULT now(),
        updated_by text NOT NULL
      )`);
    await q.query(`
      CREATE TABLE config.flag_versions (
        key text NOT NULL REFERENCES config.flags (key) ON DELETE CASCADE,
        version integer NOT NULL,
        definition jsonb NOT NULL,
        actor text NOT NULL,
        reason text,
        created_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (key, version)
      )`);

    await q.query(`
      CREATE TABLE config.tenants (
        id text PRIMARY KEY,
        name text NOT NULL,
        schema_name text NOT NULL UNIQUE,
        tier text NOT NULL,
        status text NOT NULL CHECK (status IN ('active', 'suspended', 'deleted')),
        features jsonb NOT NULL,
        limits jsonb NOT NULL,
        policy_bootstrap text NOT NULL CHECK (policy_bootstrap IN ('pending', 'done')),
        policy_bootstrap_attempts integer NOT NULL DEFAULT 0,
        policy_bootstrap_error text,
        version integer NOT NULL,
        exported_at timestamptz,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);

    await q.query(`
      CREATE TABLE config.api_keys (
        id uuid PRIMARY KEY,
        tenant_id text NOT NULL REFERENCES config.tenants (id),
        name text NOT NULL,
        prefix text NOT NULL,
        key_hash text NOT NULL UNIQUE,
        roles text[] NOT NULL,
        created_by text NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        expires_at timestamptz,
        revoked_at timestamptz
      )`);
    await q.query(`CREATE INDEX api_keys_tenant ON config.api_keys (tenant_id)`);

    await q.query(`
      CREATE TABLE config.secrets (
        tenant_id text NOT NULL DEFAULT '',
        name text NOT NULL,
        kek_id text NOT NULL,
        wrapped_dek text NOT NULL,
        ciphertext text NOT NULL,
        version integer NOT NULL,
        updated_at timestamptz NOT NULL DEFAULT now(),
        updated_by text NOT NULL,
        PRIMARY KEY (tenant_id, name)
      )`);
    await q.query(`CREATE INDEX secrets_kek ON config.secrets (kek_id)`);
  }

  async down(q: QueryRunner): Promise<void> {
    for (const table of [
      'secrets',
      'api_keys',
      'tenants',
      'flag_versions',
      'flags',
      'config_entry_versions',
      'config_entries',
      'config_schemas',
      'config_outbox',
      'config_revision',
    ]) {
      await q.query(`DROP TABLE IF EXISTS config.${table}`);
    }
  }
}
