import type { RegistryScope, RefreshOutcome, ServerInfo, ToolInfo, ToolStatus } from '#contracts';
import type { Sql } from '../persistence/orchestrator-db.js';
import { definitionHash, pinnedDefinition, type ToolDefinition } from './definition-hash.js';

interface ServerRow {
  name: string;
  url: string;
  version: string | null;
  auth: UpstreamAuth | null;
  quarantine_on_change: boolean;
  status: 'active' | 'unreachable';
  catalog: { resources: unknown[]; resourceTemplates: unknown[]; prompts: unknown[] };
  last_refreshed_at: Date | null;
  last_error: string | null;
  created_at: Date;
}
export interface ToolRow {
  server: string;
  name: string;
  version: number;
  hash: string;
  definition: ToolDefinition;
  status: ToolStatus;
  first_seen_at: Date;
  approved_by: string | null;
}

export interface UpstreamAuth {
  secret: string;
  header: string;
  scheme: string;
}

export interface Catalog {
  tools: ToolDefinition[];
  resources: unknown[];
  resourceTemplates: unknown[];
  prompts: unknown[];
}

export const QUALIFIED_SEPARATOR = '__';

export function toolInfo(row: ToolRow, scope: RegistryScope): ToolInfo {
  const d = row.definition;
  return {
    server: row.server,
    scope,
    name: row.name,
    qualifiedName: `${row.server}${QUALIFIED_SEPARATOR}${row.name}`,
    version: row.version,
    hash: row.hash,
    status: row.status,
    ...(d.title !== undefined ? { title: d.title } : {}),
    ...(d.description !== undefined ? { description: d.description } : {}),
    inputSchema: d.inputSchema,
    ...(d.outputSchema !== undefined ? { outputSchema: d.outputSchema } : {}),
    ...(d.annotations !== undefined ? { annotations: d.annotations } : {}),
    firstSeenAt: row.first_seen_at.toISOString(),
    approvedBy: row.approved_by,
  };
}

function serverInfo(row: ServerRow, scope: RegistryScope, tools: ToolRow[]): ServerInfo {
  return {
    name: row.name,
    scope,
    url: row.url,
    version: row.version,
    status: row.status,
    quarantineOnChange: row.quarantine_on_change,
    auth: row.auth,
    lastRefreshedAt: row.last_refreshed_at?.toISOString() ?? null,
    lastError: row.last_error,
    createdAt: row.created_at.toISOString(),
    tools: tools.map((t) => toolInfo(t, scope)),
    resources: row.catalog.resources,
    resourceTemplates: row.catalog.resourceTemplates,
    prompts: row.catalog.prompts,
  };
}

/** SQL of one registry (global or a tenant's): which one is decided by the Sql's search_path. */
export class RegistryRepository {
  constructor(
    private readonly sql: Sql,
    private readonly scope: RegistryScope,
  ) {}

  async server(name: string, forUpdate = false): Promise<ServerRow | undefined> {
    const rows = await this.sql.query<ServerRow>(`SELECT * FROM orch_servers WHERE name = $1${forUpdate ? ' FOR UPDATE' : ''}`, [name]);
    return rows[0];
  }

  async servers(): Promise<ServerRow[]> {
    return this.sql.query<ServerRow>(`SELECT * FROM orch_servers ORDER BY name`);
  }

  async insertServer(s: {
    name: string;
    url: string;
    version: string | null;
    quarantineOnChange: boolean;
    auth: UpstreamAuth | null;
    createdBy: string;
  }): Promise<boolean> {
    const rows = await this.sql.query(
      `INSERT INTO orch_servers (name, url, version, quarantine_on_change, auth, created_by) VALUES ($1, $2, $3, $4, $5, $6)
       ON CONFLICT (name) DO NOTHING RETURNING name`,
      [s.name, s.url, s.version, s.quarantineOnChange, s.auth ? JSON.stringify(s.auth) : null, s.createdBy],
    );
    return rows.length === 1;
  }

  async deleteServer(name: string): Promise<boolean> {
    return (await this.sql.query(`DELETE FROM orch_servers WHERE name = $1 RETURNING name`, [name])).length === 1;
  }

  /** The current version of each tool (latest that is active or quarantined). */
  async currentTools(server?: string, includeQuarantined = true): Promise<ToolRow[]> {
    return this.sql.query<ToolRow>(
      `SELECT * FROM orch_tool_versions WHERE status IN ('active'${includeQuarantined ? ", 'quarantined'" : ''})
       AND ($1::text IS NULL OR server = $1) ORDER BY server, name`,
      [server ?? null],
    );
  }

  async currentTool(server: string, name: string): Promise<ToolRow | undefined> {
    const rows = await this.sql.query<ToolRow>(
      `SELECT * FROM orch_tool_versions WHERE server = $1 AND name = $2 AND status IN ('active', 'quarantined')`,
      [server, name],
    );
    return rows[0];
  }

  async info(name: string): Promise<ServerInfo | undefined> {
    const row = await this.server(name);
    return row ? serverInfo(row, this.scope, await this.currentTools(name)) : undefined;
  }

  async infos(): Promise<ServerInfo[]> {
    const [rows, tools] = await Promise.all([this.servers(), this.currentTools()]);
    return rows.map((r) =>
      serverInfo(
        r,
        this.scope,
        tools.filter((t) => t.server === r.name),
      ),
    );
  }

  async markUnreachable(name: string, error: string): Promise<void> {
    await this.sql.query(`UPDATE orch_servers SET status = 'unreachable', last_error = $2 WHERE name = $1`, [name, error.slice(0, 500)]);
  }

  /**
   * Reconciles what the upstream lists with the pinned versions. A definition whose hash is not the
   * current one becomes a new version: active on first registration or when the server trusts
   * changes, otherwise quarantined; a quarantined tool cannot be called until approved. Caller holds
   * the server row lock.
   */
  async applyCatalog(
    server: ServerRow,
    catalog: Catalog,
    firstRegistration: boolean,
    serverVersion: string | null,
  ): Promise<RefreshOutcome> {
    const outcome: RefreshOutcome = { added: [], changed: [], removed: [] };
    const current = new Map((await this.currentTools(server.name)).map((t) => [t.name, t]));
    const seen = new Set<string>();
    for (const tool of catalog.tools) {
      if (seen.has(tool.name)) continue;
      seen.add(tool.name);
      const hash = definitionHash(tool);
      const existing = current.get(tool.name);
      if (existing?.hash === hash) continue;
      const trusted = firstRegistration || !server.quarantine_on_change;
      const status: ToolStatus = trusted ? 'active' : 'quarantined';
      const [{ next }] = await this.sql.query<{ next: number }>(
        `SELECT COALESCE(MAX(version), 0) + 1 AS next FROM orch_tool_versions WHERE server = $1 AND name = $2`,
        [server.name, tool.name],
      );
      if (existing) {
        await this.sql.query(`UPDATE orch_tool_versions SET status = 'superseded' WHERE server = $1 AND name = $2 AND version = $3`, [
          server.name,
          tool.name,
          existing.version,
        ]);
      }
      await this.sql.query(
        `INSERT INTO orch_tool_versions (server, name, version, hash, definition, status) VALUES ($1, $2, $3, $4, $5, $6)`,
        [server.name, tool.name, next, hash, JSON.stringify(pinnedDefinition(tool)), status],
      );
      if (existing) outcome.changed.push({ name: tool.name, version: next, status });
      else outcome.added.push(tool.name);
    }
    for (const [name, row] of current) {
      if (seen.has(name)) continue;
      await this.sql.query(`UPDATE orch_tool_versions SET status = 'removed' WHERE server = $1 AND name = $2 AND version = $3`, [
        server.name,
        name,
        row.version,
      ]);
      outcome.removed.push(name);
    }
    await this.sql.query(
      `UPDATE orch_servers SET status = 'active', last_error = NULL, last_refreshed_at = now(), catalog = $2, version = COALESCE(version, $3) WHERE name = $1`,
      [
        server.name,
        JSON.stringify({ resources: catalog.resources, resourceTemplates: catalog.resourceTemplates, prompts: catalog.prompts }),
        serverVersion,
      ],
    );
    return outcome;
  }

  async approve(server: string, tool: string, version: number, approver: string): Promise<ToolRow | undefined> {
    const rows = await this.sql.query<ToolRow>(
      `UPDATE orch_tool_versions SET status = 'active', approved_by = $4, approved_at = now()
       WHERE server = $1 AND name = $2 AND version = $3 AND status = 'quarantined' RETURNING *`,
      [server, tool, version, approver],
    );
    return rows[0];
  }
}
