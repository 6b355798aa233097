import type { MigrationInterface, QueryRunner } from 'typeorm';

// Postgres schema of the hub. Spans live in one table partitioned by day on start_time, so retention
// drops whole partitions and time-bounded searches touch only the days they ask for. Tenancy is a column
// (not a schema per tenant): one OTLP batch mixes tenants, and every read path adds the tenant predicate
// through SpanScope (query/scope.ts). The unique index doubles as the trace-by-id index and makes a
// re-sent span (exporter retry after a lost response) a no-op.
const UP = `
CREATE SCHEMA IF NOT EXISTS tracehub;

CREATE TABLE IF NOT EXISTS tracehub.spans (
  start_time      timestamptz NOT NULL,
  trace_id        bytea       NOT NULL,
  span_id         bytea       NOT NULL,
  parent_span_id  bytea,
  tenant_id       text,
  service         text        NOT NULL,
  operation       text        NOT NULL,
  kind            smallint    NOT NULL,
  duration_us     bigint      NOT NULL,
  status_code     smallint    NOT NULL,
  status_message  text,
  attributes      jsonb       NOT NULL,
  resource        jsonb       NOT NULL,
  events          jsonb,
  links           jsonb,
  scope_name      text,
  scope_version   text,
  trace_state     text,
  flags           integer     NOT NULL DEFAULT 0
) PARTITION BY RANGE (start_time);

CREATE UNIQUE INDEX IF NOT EXISTS spans_trace_span ON tracehub.spans (trace_id, span_id, start_time);
CREATE INDEX IF NOT EXISTS spans_service_time ON tracehub.spans (service, start_time DESC);
CREATE INDEX IF NOT EXISTS spans_service_operation_time ON tracehub.spans (service, operation, start_time DESC);

-- Services and operations seen per tenant ('' = spans without a tenant), so listing them never scans spans.
CREATE TABLE IF NOT EXISTS tracehub.operations (
  tenant_id  text        NOT NULL,
  service    text        NOT NULL,
  operation  text        NOT NULL,
  kind       smallint    NOT NULL,
  last_seen  timestamptz NOT NULL,
  PRIMARY KEY (tenant_id, service, operation, kind)
);
`;

export class Spans1764190000000 implements MigrationInterface {
  name = 'Spans1764190000000';

  async up(runner: QueryRunner): Promise<void> {
    await runner.query(UP);
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query('DROP TABLE IF EXISTS tracehub.operations; DROP TABLE IF EXISTS tracehub.spans;');
  }
}
