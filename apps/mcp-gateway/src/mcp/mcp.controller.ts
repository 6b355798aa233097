import { Controller, Delete, Get, Inject, Param, Post, Req, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiExcludeEndpoint, ApiHeader, ApiOperation, ApiResponse, ApiSecurity, ApiTags } from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { JSONRPCMessage } from '@modelcontextprotocol/sdk/types.js';
import { APP_ENV } from '#env';
import type { GatewayEnv } from '../env.js';
import { Governed } from '../pipeline/governed.js';
import { McpExchange } from './exchange.js';
import { acceptsMcpPost, protocolVersionFromHeader } from './http-checks.js';
import { AGGREGATE, type McpCallContext } from './mcp-server.js';
import { McpRelay } from './mcp-relay.js';
import { checkSessionOwner, McpSessionStore, type McpSessionRecord } from './session-store.js';

const SERVER_NAME = /^[a-z][a-z0-9-]{0,39}$/;

/** A JSON-RPC error answered at the HTTP level (before any message reaches the MCP server). */
function rpcError(reply: FastifyReply, status: number, code: number, message: string): void {
  void reply.status(status).type('application/json').send({ jsonrpc: '2.0', id: null, error: { code, message } });
}

function stringHeaders(reply: FastifyReply): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(reply.getHeaders())) if (v !== undefined) out[k] = Array.isArray(v) ? v.join(', ') : String(v);
  return out;
}

/**
 * MCP Streamable HTTP on `/mcp` (platform tools plus every registered upstream, namespaced) and
 * `/mcp/servers/{name}` (one upstream, unprefixed). The gateway guard has authenticated the
 * caller, bound the tenant and charged the rate limit before any of this runs.
 */
@ApiTags('mcp')
@ApiBearerAuth()
@ApiSecurity('apiKey')
@ApiHeader({ name: 'X-Tenant-ID', required: true })
@Controller()
export class McpController {
  constructor(
    private readonly relay: McpRelay,
    private readonly sessions: McpSessionStore,
    @Inject(APP_ENV) private readonly env: GatewayEnv,
  ) {}

  @Post('mcp')
  @Governed({})
  @ApiOperation({ summary: 'MCP JSON-RPC messages (Streamable HTTP), all servers aggregated' })
  @ApiResponse({ status: 200, description: 'JSON-RPC response(s) as application/json or a text/event-stream' })
  @ApiResponse({ status: 202, description: 'Notifications or responses accepted' })
  @ApiResponse({ status: 401, description: 'UNAUTHENTICATED; WWW-Authenticate names the protected resource metadata' })
  @ApiResponse({ status: 403, description: 'TENANT_* or Origin not allowed' })
  @ApiResponse({ status: 404, description: 'Unknown session (initialize again)' })
  @ApiResponse({ status: 429, description: 'RATE_LIMITED' })
  async postAggregate(@Req() req: FastifyRequest, @Res() reply: FastifyReply): Promise<void> {
    await this.post(req, reply, AGGREGATE);
  }

  @Post('mcp/servers/:server')
  @Governed({})
  @ApiOperation({ summary: 'MCP JSON-RPC messages for one registered upstream server' })
  async postServer(@Req() req: FastifyRequest, @Res() reply: FastifyReply, @Param('server') server: string): Promise<void> {
    if (!SERVER_NAME.test(server)) return rpcError(reply, 404, -32600, 'Unknown server');
    await this.post(req, reply, server);
  }

  @Get(['mcp', 'mcp/servers/:server'])
  @Governed({})
  @ApiExcludeEndpoint()
  standaloneStream(@Res() reply: FastifyReply): void {
    // Everything the gateway sends belongs to a request and goes on that request's stream.
    void reply.status(405).header('allow', 'POST, DELETE').send();
  }

  @Delete(['mcp', 'mcp/servers/:server'])
  @Governed({})
  @ApiOperation({ summary: 'End an MCP session' })
  async end(@Req() req: FastifyRequest, @Res() reply: FastifyReply, @Param('server') server?: string): Promise<void> {
    const endpoint = server ?? AGGREGATE;
    const id = req.headers['mcp-session-id'];
    if (this.env.MCP_STATELESS || typeof id !== 'string') return void reply.status(405).header('allow', 'POST').send();
    const { principal, tenant } = req.gateway!;
    const record = await this.sessions.touch(id);
    if (!checkSessionOwner(record, principal.id, tenant!.id, endpoint).ok) return rpcError(reply, 404, -32001, 'Session not found');
    await this.sessions.delete(id);
    void reply.status(200).send();
  }

  private async post(req: FastifyRequest, reply: FastifyReply, endpoint: string): Promise<void> {
    if (!acceptsMcpPost(req.headers.accept)) {
      return rpcError(reply, 406, -32000, 'Not Acceptable: the client must accept both application/json and text/event-stream');
    }
    const body = req.body as unknown;
    const messages = (Array.isArray(body) ? body : [body]) as Array<Record<string, unknown>>;
    if (messages.length === 0 || !messages.every((m) => m !== null && typeof m === 'object' && m['jsonrpc'] === '2.0')) {
      return rpcError(reply, 400, -32600, 'Invalid Request: expected JSON-RPC 2.0 message(s)');
    }
    const { principal, tenant } = req.gateway!;
    const isInitialize = messages.some((m) => m['method'] === 'initialize');
    let session: McpSessionRecord | undefined;
    let newSessionId: string | undefined;

    if (isInitialize) {
      if (messages.length > 1) return rpcError(reply, 400, -32600, 'Invalid Request: initialize must be sent alone');
      if (!this.env.MCP_STATELESS) newSessionId = McpSessionStore.newId();
    } else {
      if (protocolVersionFromHeader(req.headers['mcp-protocol-version'] as string | undefined) === undefined) {
        return rpcError(reply, 400, -32000, 'Bad Request: unsupported MCP-Protocol-Version');
      }
      if (!this.env.MCP_STATELESS) {
        const id = req.headers['mcp-session-id'];
        if (typeof id !== 'string') return rpcError(reply, 400, -32000, 'Bad Request: Mcp-Session-Id header is required');
        session = await this.sessions.touch(id);
        // Someone else's session and no session look the same from outside: no oracle for valid ids.
        if (!checkSessionOwner(session, principal.id, tenant!.id, endpoint).ok) return rpcError(reply, 404, -32001, 'Session not found');
      }
    }

    const ctx: McpCallContext = {
      principal,
      tenant: tenant!,
      endpoint,
      ...(session ? { session } : {}),
      ...(newSessionId ? { newSessionId } : {}),
    };
    const headers = stringHeaders(reply);
    if (newSessionId) headers['mcp-session-id'] = newSessionId;
    const scope = session?.id ?? newSessionId ?? `principal:${principal.id}:${tenant!.id}:${endpoint}`;
    reply.hijack();
    const exchange = new McpExchange(reply.raw, headers, Array.isArray(body));
    const hasRequests = this.relay.transport.dispatch(messages as unknown as JSONRPCMessage[], exchange, scope, {
      authInfo: { token: '', clientId: principal.id, scopes: [], extra: { ctx } },
    });
    if (!hasRequests) {
      reply.raw.writeHead(202, headers);
      reply.raw.end();
    }
  }
}
