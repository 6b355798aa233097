import pg from 'pg';
import { processEnvironment } from '#env';

export interface TestDatabase {
  name: string;
  url: string;
  /** Runs SQL against the test database (assertions on stored state). */
  query<T extends pg.QueryResultRow = pg.QueryResultRow>(sql: string, params?: unknown[]): Promise<pg.QueryResult<T>>;
  drop(): Promise<void>;
}

/** The server tests use: TEST_DATABASE_ADMIN_URL, else the local default (trust auth, user postgres). */
export function adminDatabaseUrl(): string {
  return processEnvironment().TEST_DATABASE_ADMIN_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
}

/** Creates a fresh database for one test run; `drop()` removes it even if apps still hold connections. */
export async function createTestDatabase(token: string): Promise<TestDatabase> {
  const name = `mcp_test_${token}`;
  const admin = new pg.Client({ connectionString: adminDatabaseUrl() });
  await admin.connect();
  try {
    await admin.query(`CREATE DATABASE "${name}"`);
  } finally {
    await admin.end();
  }
  const url = new URL(adminDatabaseUrl());
  url.pathname = `/${name}`;
  const pool = new pg.Pool({ connectionString: url.toString(), max: 2 });
  return {
    name,
    url: url.toString(),
    query: (sql, params) => pool.query(sql, params as unknown[]),
    async drop() {
      await pool.end();
      const c = new pg.Client({ connectionString: adminDatabaseUrl() });
      await c.connect();
      try {
        await c.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
      } finally {
        await c.end();
      }
    },
  };
}
