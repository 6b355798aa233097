// What every load bench does before it measures: boot the platform with rate limits out of the way,
// give a tenant the counter MCP server, open MCP sessions and turn them into autocannon requests.
import type autocannon from 'autocannon';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import type { AppName } from '#contracts';
import { E2EPlatform } from '../../test/e2e/platform.js';

const UNLIMITED = { RATE_LIMIT_CLIENT_PER_MIN: '10000000', RATE_LIMIT_TENANT_PER_MIN: '10000000' };

export function bootForLoad(env: Partial<Record<AppName, Record<string, string>>> = {}): Promise<E2EPlatform> {
  return E2EPlatform.boot({ env: { ...env, 'mcp-gateway': { ...UNLIMITED, ...env['mcp-gateway'] } } });
}

/** Onboards the tenant and registers the counter MCP server as its own. */
export async function tenantWithCounter(e2e: E2EPlatform, tenant: string, features: string[]): Promise<void> {
  await e2e.onboard(tenant, features, 100_000_000);
  await e2e.admin(
    'orchestrator.server.register',
    { tenantId: tenant, principalId: 'loader', roles: ['admin'], server: 'counter', url: e2e.counter!.url },
    30_000,
  );
}

/** An open MCP session on /mcp and the headers a raw request in it needs. */
export async function mcpSession(
  e2e: E2EPlatform,
  headers: Record<string, string>,
  capabilities: Record<string, object> = {},
): Promise<{ client: Client; headers: Record<string, string> }> {
  const client = new Client({ name: 'load', version: '1' }, { capabilities });
  const transport = new StreamableHTTPClientTransport(new URL('/mcp', e2e.gateway.url), { requestInit: { headers } });
  await client.connect(transport);
  return {
    client,
    headers: {
      ...headers,
      accept: 'application/json, text/event-stream',
      'mcp-session-id': transport.sessionId!,
      'mcp-protocol-version': '2025-11-25',
    },
  };
}

export function toolCall(headers: Record<string, string>): autocannon.Request {
  return {
    method: 'POST',
    path: '/mcp',
    headers,
    body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'tools/call', params: { name: 'counter__add', arguments: { a: 1, b: 2 } } }),
  };
}
