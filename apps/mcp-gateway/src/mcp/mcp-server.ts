import { randomBytes } from 'node:crypto';
import { Inject, Injectable, type OnModuleInit } from '@nestjs/common';
import { Server } from '@modelcontextprotocol/sdk/server/index.js';
import {
  CallToolRequestSchema,
  CompleteRequestSchema,
  CreateMessageResultSchema,
  ElicitResultSchema,
  ErrorCode as McpErrorCode,
  GetPromptRequestSchema,
  InitializeRequestSchema,
  LATEST_PROTOCOL_VERSION,
  ListPromptsRequestSchema,
  ListResourcesRequestSchema,
  ListResourceTemplatesRequestSchema,
  ListToolsRequestSchema,
  McpError,
  ReadResourceRequestSchema,
  SetLevelRequestSchema,
  SUPPORTED_PROTOCOL_VERSIONS,
  type CallToolResult,
  type Tool,
} from '@modelcontextprotocol/sdk/types.js';
import type { RequestHandlerExtra } from '@modelcontextprotocol/sdk/shared/protocol.js';
import type { ServerNotification, ServerRequest } from '@modelcontextprotocol/sdk/types.js';
import { Ajv, type ValidateFunction } from 'ajv';
import type { Msg } from 'nats';
import {
  CompletionComplete,
  DomainError,
  ErrorCode,
  JobGet,
  JobSubmit,
  PromptGet,
  PromptList,
  ResourceList,
  ResourceRead,
  RunGet,
  RunStart,
  ToolCall,
  ToolCancel,
  ToolList,
  type CatalogEntry,
  type RelayNotification,
  type RelayRequest,
  type RpcContract,
} from '#contracts';
import { APP_ENV } from '#env';
import { NatsClient, decodeJson, encodeJson } from '#messaging';
import type { Principal } from '#auth';
import type { GatewayEnv } from '../env.js';
import { Downstream } from '../forwarding/downstream.service.js';
import { PolicyDecider, type GatewayTenant } from '../pipeline/request-context.js';
import { McpSessionStore, type McpSessionRecord } from './session-store.js';
import { isPlatformTool, PLATFORM_TOOL_FEATURE, PLATFORM_TOOLS, splitQualified, type PlatformToolName } from './platform-tools.js';

/** Everything a handler knows about the call; travels in the SDK's `authInfo.extra`. */
export interface McpCallContext {
  principal: Principal;
  tenant: GatewayTenant;
  /** `/mcp` (aggregate) or the name of the one upstream server the endpoint exposes. */
  endpoint: string;
  session?: McpSessionRecord;
  /** Set on an initialize request in stateful mode: the id the new session gets. */
  newSessionId?: string;
}

export const AGGREGATE = '/mcp';
const CAPABILITIES = { tools: {}, resources: {}, prompts: {}, completions: {}, logging: {} };
const SERVER_INFO = { name: 'mcp-gateway', title: 'MCP Orchestrator Platform', version: '0.1.0' };
type Extra = RequestHandlerExtra<ServerRequest, ServerNotification>;
const LOG_LEVELS = ['debug', 'info', 'notice', 'warning', 'error', 'critical', 'alert', 'emergency'];

function contextOf(extra: Extra): McpCallContext {
  const ctx = extra.authInfo?.extra?.['ctx'] as McpCallContext | undefined;
  // Only the gateway's own transport reaches the server, and it always sets the context.
  if (!ctx) throw new McpError(McpErrorCode.InternalError, 'Missing call context');
  return ctx;
}

/** JSON-RPC error for a refused or failed call; codes and messages only, never internals. */
function mcpErrorFrom(err: unknown): McpError {
  if (err instanceof McpError) return err;
  if (err instanceof DomainError) {
    const code =
      err.code === ErrorCode.NOT_FOUND || err.code === ErrorCode.VALIDATION_FAILED
        ? McpErrorCode.InvalidParams
        : err.code === ErrorCode.POLICY_DENIED || err.code === ErrorCode.FORBIDDEN || err.code === ErrorCode.FEATURE_DISABLED
          ? -32003
          : McpErrorCode.InternalError;
    return new McpError(code, err.message, { code: err.code, ...(err.details ?? {}) });
  }
  return new McpError(McpErrorCode.InternalError, 'Internal error');
}

/**
 * The gateway's MCP server: one SDK `Server` for the whole process (see GatewayTransport). Tools,
 * resources, prompts and completions of the tenant's upstream servers come from the orchestrator's
 * registry; calls are relayed through it with progress, logging, elicitation and sampling passed
 * back to the calling client. Every list and call is a policy decision for the caller.
 */
@Injectable()
export class McpServerService implements OnModuleInit {
  readonly server: Server;
  private readonly ajv = new Ajv({ allErrors: true, strict: false });
  private readonly validators = new Map<string, ValidateFunction>();

  constructor(
    private readonly downstream: Downstream,
    private readonly policy: PolicyDecider,
    private readonly sessions: McpSessionStore,
    private readonly nats: NatsClient,
    @Inject(APP_ENV) private readonly env: GatewayEnv,
  ) {
    // Initialize is answered by this class (per endpoint and session), so the SDK's own info is not sent.
    this.server = new Server(SERVER_INFO, { capabilities: CAPABILITIES });
    for (const tool of Object.values(PLATFORM_TOOLS)) this.validators.set(tool.name, this.ajv.compile(tool.inputSchema));
  }

  onModuleInit(): void {
    const s = this.server;
    s.setRequestHandler(InitializeRequestSchema, (req, extra) => this.initialize(req.params, extra));
    s.setRequestHandler(SetLevelRequestSchema, async (req, extra) => {
      const ctx = contextOf(extra);
      if (ctx.session) await this.sessions.update({ ...ctx.session, logLevel: req.params.level });
      return {};
    });
    s.setRequestHandler(ListToolsRequestSchema, async (_req, extra) => ({ tools: await this.listTools(contextOf(extra)) }));
    s.setRequestHandler(CallToolRequestSchema, (req, extra) =>
      this.callTool(req.params.name, req.params.arguments ?? {}, req.params._meta?.progressToken, extra),
    );
    s.setRequestHandler(ListResourcesRequestSchema, async (_req, extra) => {
      const ctx = contextOf(extra);
      const { resources } = await this.catalog(ctx, ResourceList);
      return { resources: this.visible(ctx, resources).map((e) => this.rename(ctx, e, 'name')) };
    });
    s.setRequestHandler(ListResourceTemplatesRequestSchema, async (_req, extra) => {
      const ctx = contextOf(extra);
      const { resourceTemplates } = await this.catalog(ctx, ResourceList);
      return { resourceTemplates: this.visible(ctx, resourceTemplates).map((e) => this.rename(ctx, e, 'name')) };
    });
    s.setRequestHandler(ReadResourceRequestSchema, async (req, extra) => {
      const ctx = contextOf(extra);
      const server = await this.serverForUri(ctx, req.params.uri);
      await this.authorize(ctx, { type: 'resource', id: `${server}:${req.params.uri}`.slice(0, 256) }, 'resources.read');
      return this.orchestrator(ResourceRead, { ...this.scope(ctx), server, uri: req.params.uri }) as never;
    });
    s.setRequestHandler(ListPromptsRequestSchema, async (_req, extra) => {
      const ctx = contextOf(extra);
      const { prompts } = await this.catalog(ctx, PromptList);
      return { prompts: this.visible(ctx, prompts).map((e) => this.rename(ctx, e, 'name')) };
    });
    s.setRequestHandler(GetPromptRequestSchema, async (req, extra) => {
      const ctx = contextOf(extra);
      const { server, name } = this.target(ctx, req.params.name);
      await this.authorize(ctx, { type: 'prompt', id: `${server}__${name}` }, 'prompts.get');
      const args = req.params.arguments;
      return this.orchestrator(PromptGet, { ...this.scope(ctx), server, name, ...(args ? { arguments: args } : {}) }) as never;
    });
    s.setRequestHandler(CompleteRequestSchema, async (req, extra) => {
      const ctx = contextOf(extra);
      const ref = req.params.ref as { type: string; name?: string; uri?: string };
      let server: string;
      let forwardRef: Record<string, unknown>;
      if (ref.type === 'ref/prompt' && typeof ref.name === 'string') {
        const t = this.target(ctx, ref.name);
        server = t.server;
        forwardRef = { type: 'ref/prompt', name: t.name };
      } else if (ref.type === 'ref/resource' && typeof ref.uri === 'string') {
        server = await this.serverForUri(ctx, ref.uri);
        forwardRef = { type: 'ref/resource', uri: ref.uri };
      } else {
        throw new McpError(McpErrorCode.InvalidParams, 'Unsupported completion reference');
      }
      return this.orchestrator(CompletionComplete, { ...this.scope(ctx), server, ref: forwardRef, argument: req.params.argument }) as never;
    });
  }

  private async initialize(params: { protocolVersion: string; capabilities: Record<string, unknown> }, extra: Extra) {
    const ctx = contextOf(extra);
    const protocolVersion = SUPPORTED_PROTOCOL_VERSIONS.includes(params.protocolVersion) ? params.protocolVersion : LATEST_PROTOCOL_VERSION;
    if (ctx.newSessionId) {
      await this.sessions.create({
        id: ctx.newSessionId,
        principalId: ctx.principal.id,
        tenantId: ctx.tenant.id,
        endpoint: ctx.endpoint,
        protocolVersion,
        clientCapabilities: params.capabilities ?? {},
        createdAt: Date.now(),
      });
    }
    return {
      protocolVersion,
      capabilities: CAPABILITIES,
      serverInfo: SERVER_INFO,
      instructions:
        ctx.endpoint === AGGREGATE
          ? 'Platform tools (jobs, workflows) and the tools of every MCP server registered for your tenant, named <server>__<tool>.'
          : `The tools, resources and prompts of the registered MCP server "${ctx.endpoint}".`,
    };
  }

  private async listTools(ctx: McpCallContext): Promise<Tool[]> {
    const candidates: Array<{ policyId: string; tool: Tool }> = [];
    if (ctx.endpoint === AGGREGATE) {
      for (const tool of Object.values(PLATFORM_TOOLS) as Tool[]) {
        const feature = PLATFORM_TOOL_FEATURE[tool.name as PlatformToolName];
        if (feature === undefined || ctx.tenant.features.includes(feature)) candidates.push({ policyId: tool.name, tool });
      }
    }
    const { items } = await this.orchestrator(ToolList, this.scope(ctx));
    for (const info of items) {
      if (info.status !== 'active') continue;
      if (ctx.endpoint !== AGGREGATE && info.server !== ctx.endpoint) continue;
      const tool: Tool = {
        name: ctx.endpoint === AGGREGATE ? info.qualifiedName : info.name,
        inputSchema: info.inputSchema as Tool['inputSchema'],
        ...(info.title ? { title: info.title } : {}),
        ...(info.description ? { description: info.description } : {}),
        ...(info.outputSchema ? { outputSchema: info.outputSchema as Tool['outputSchema'] } : {}),
        ...(info.annotations ? { annotations: info.annotations as Tool['annotations'] } : {}),
      };
      candidates.push({ policyId: info.qualifiedName, tool });
    }
    const verdicts = await Promise.all(
      candidates.map((c) =>
        this.policy.decide(ctx.principal, ctx.tenant, { resource: { type: 'tool', id: c.policyId }, action: 'tools.list' }),
      ),
    );
    return candidates.filter((_c, i) => verdicts[i]!.allow).map((c) => c.tool);
  }

  private async callTool(
    name: string,
    args: Record<string, unknown>,
    progressToken: string | number | undefined,
    extra: Extra,
  ): Promise<CallToolResult> {
    const ctx = contextOf(extra);
    try {
      if (ctx.endpoint === AGGREGATE && isPlatformTool(name)) {
        await this.authorize(ctx, { type: 'tool', id: name }, 'tools.call');
        try {
          return await this.callPlatformTool(ctx, name, args);
        } catch (err) {
          // A failed platform operation is the tool's result (MCP: isError), not a protocol error.
          const failure =
            err instanceof McpError && typeof (err.data as { code?: unknown } | undefined)?.code === 'string' ? err : undefined;
          if (!failure) throw err;
          return {
            isError: true,
            content: [
              { type: 'text', text: `${(failure.data as { code: string }).code}: ${failure.message.replace(/^MCP error -?\d+: /, '')}` },
            ],
          };
        }
      }
      const { server, name: tool } = this.target(ctx, name);
      await this.authorize(ctx, { type: 'tool', id: `${server}__${tool}` }, 'tools.call');
      return await this.callUpstreamTool(ctx, server, tool, args, progressToken, extra);
    } catch (err) {
      throw mcpErrorFrom(err);
    }
  }

  private async callPlatformTool(ctx: McpCallContext, name: PlatformToolName, args: Record<string, unknown>): Promise<CallToolResult> {
    const feature = PLATFORM_TOOL_FEATURE[name];
    if (feature !== undefined && !ctx.tenant.features.includes(feature)) {
      throw new DomainError(ErrorCode.FEATURE_DISABLED, `The tenant does not have the ${feature} feature`);
    }
    const validate = this.validators.get(name)!;
    if (!validate(args)) {
      const detail = (validate.errors ?? []).map((e) => `${e.instancePath || '/'} ${e.message ?? ''}`.trim()).join('; ');
      throw new McpError(McpErrorCode.InvalidParams, `Invalid arguments: ${detail}`);
    }
    const scope = this.scope(ctx);
    let result: unknown;
    switch (name) {
      case 'submit_inference_job': {
        const a = args as {
          model: string;
          messages: Array<{ role: 'system' | 'user' | 'assistant'; content: string }>;
          wait?: boolean;
        } & Record<string, unknown>;
        const wait = a.wait ?? true;
        const waitTimeoutMs = typeof a['waitTimeoutMs'] === 'number' ? a['waitTimeoutMs'] : 60_000;
        result = await this.orchestrator(
          JobSubmit,
          { ...scope, ...a, wait, ...(wait ? { waitTimeoutMs } : {}) },
          wait ? waitTimeoutMs + 5_000 : undefined,
        );
        break;
      }
      case 'get_job':
        result = await this.orchestrator(JobGet, { ...scope, jobId: String(args['jobId']) });
        break;
      case 'run_workflow':
        result = await this.orchestrator(RunStart, { ...scope, ...(args as { workflow: string }) });
        break;
      case 'get_run':
        result = await this.orchestrator(RunGet, { ...scope, runId: String(args['runId']) });
        break;
      case 'list_tools':
        result = await this.orchestrator(ToolList, {
          ...scope,
          ...(args['includeQuarantined'] === true ? { includeQuarantined: true } : {}),
        });
        break;
    }
    return { content: [{ type: 'text', text: JSON.stringify(result) }], structuredContent: result as Record<string, unknown> };
  }

  private async callUpstreamTool(
    ctx: McpCallContext,
    server: string,
    tool: string,
    args: Record<string, unknown>,
    progressToken: string | number | undefined,
    extra: Extra,
  ): Promise<CallToolResult> {
    const callId = randomBytes(12).toString('base64url');
    // Logs, elicitation and sampling are relayed to clients that can take them (they cost the call an
    // upstream session of its own); progress only when the client asked for it; else no relay at all.
    const caps = ctx.session?.clientCapabilities ?? {};
    const relaySession = 'elicitation' in caps || 'sampling' in caps || ctx.session?.logLevel !== undefined;
    const relaySubject = relaySession || progressToken !== undefined ? `orchestrator.relay.${callId}` : undefined;
    const sub = relaySubject ? this.nats.connection.subscribe(this.nats.subject(relaySubject)) : undefined;
    if (sub) void this.pumpRelay(sub, ctx, progressToken, extra);
    const onAbort = () => void this.orchestrator(ToolCancel, { ...this.scope(ctx), callId }).catch(() => undefined);
    extra.signal.addEventListener('abort', onAbort, { once: true });
    try {
      const reply = await this.orchestrator(
        ToolCall,
        {
          ...this.scope(ctx),
          server,
          tool,
          arguments: args,
          callId,
          ...(relaySubject ? { relaySubject, relaySession } : {}),
          timeoutMs: this.env.MCP_TOOL_TIMEOUT_MS,
        },
        this.env.MCP_TOOL_TIMEOUT_MS + 2_000,
      );
      return reply.result as CallToolResult;
    } finally {
      extra.signal.removeEventListener('abort', onAbort);
      sub?.unsubscribe();
    }
  }

  /** Upstream traffic during a call, relayed by the orchestrator, passed on to the calling client. */
  private async pumpRelay(
    sub: AsyncIterable<Msg>,
    ctx: McpCallContext,
    progressToken: string | number | undefined,
    extra: Extra,
  ): Promise<void> {
    for await (const msg of sub) {
      const message = decodeJson(msg.data) as RelayNotification | RelayRequest | undefined;
      if (!message || typeof message !== 'object') continue;
      if (message.type === 'progress') {
        if (progressToken !== undefined) {
          await extra
            .sendNotification({ method: 'notifications/progress', params: { progressToken, ...message.params } })
            .catch(() => undefined);
        }
      } else if (message.type === 'log') {
        if (this.logWanted(ctx, message.params.level)) {
          await extra.sendNotification({ method: 'notifications/message', params: message.params as never }).catch(() => undefined);
        }
      } else if (message.type === 'request') {
        void this.answerRelayRequest(msg, message, ctx, extra);
      }
    }
  }

  private async answerRelayRequest(msg: Msg, request: RelayRequest, ctx: McpCallContext, extra: Extra): Promise<void> {
    const capability = request.method === 'elicitation/create' ? 'elicitation' : 'sampling';
    const caps = ctx.session?.clientCapabilities ?? {};
    if (!(capability in caps)) {
      msg.respond(encodeJson({ error: { code: ErrorCode.BAD_REQUEST, message: `The client does not support ${capability}` } }));
      return;
    }
    try {
      const schema = request.method === 'elicitation/create' ? ElicitResultSchema : CreateMessageResultSchema;
      const result = await extra.sendRequest({ method: request.method, params: request.params } as never, schema, {
        timeout: this.env.MCP_TOOL_TIMEOUT_MS,
      });
      msg.respond(encodeJson({ data: result }));
    } catch (err) {
      const message = err instanceof McpError ? err.message : 'The client did not answer';
      msg.respond(encodeJson({ error: { code: ErrorCode.UPSTREAM_ERROR, message } }));
    }
  }

  private logWanted(ctx: McpCallContext, level: string): boolean {
    const min = ctx.session?.logLevel;
    if (min === undefined) return true;
    return LOG_LEVELS.indexOf(level) >= LOG_LEVELS.indexOf(min);
  }

  private async authorize(ctx: McpCallContext, resource: { type: string; id: string }, action: string): Promise<void> {
    const verdict = await this.policy.decide(ctx.principal, ctx.tenant, { resource, action });
    if (!verdict.allow) throw new DomainError(ErrorCode.POLICY_DENIED, 'Denied by policy', { reason: verdict.reason });
  }

  /** Upstream server and unqualified name of a tool or prompt, per endpoint. */
  private target(ctx: McpCallContext, name: string): { server: string; name: string } {
    if (ctx.endpoint !== AGGREGATE) return { server: ctx.endpoint, name };
    const split = splitQualified(name);
    if (!split) throw new McpError(McpErrorCode.InvalidParams, `Unknown name: ${name}`);
    return split;
  }

  private visible<T>(ctx: McpCallContext, entries: CatalogEntry<T>[]): CatalogEntry<T>[] {
    return ctx.endpoint === AGGREGATE ? entries : entries.filter((e) => e.server === ctx.endpoint);
  }

  /** On /mcp a listed item's name is namespaced by its server; on a server endpoint it is left alone. */
  private rename<T>(ctx: McpCallContext, entry: CatalogEntry<T>, field: 'name'): T {
    const item = entry.item as Record<string, unknown>;
    if (ctx.endpoint !== AGGREGATE) return item as T;
    return { ...item, [field]: `${entry.server}__${String(item[field])}` } as T;
  }

  /** Which server serves a resource URI: the one listing it, else the one whose template prefix matches. */
  private async serverForUri(ctx: McpCallContext, uri: string): Promise<string> {
    if (ctx.endpoint !== AGGREGATE) return ctx.endpoint;
    const { resources, resourceTemplates } = await this.catalog(ctx, ResourceList);
    const exact = new Set(resources.filter((e) => (e.item as { uri?: string }).uri === uri).map((e) => e.server));
    if (exact.size === 1) return [...exact][0]!;
    const byTemplate = new Set(
      resourceTemplates
        .filter((e) => {
          const template = (e.item as { uriTemplate?: string }).uriTemplate ?? '';
          const prefix = template.split('{', 1)[0]!;
          return prefix.length > 0 && uri.startsWith(prefix);
        })
        .map((e) => e.server),
    );
    if (byTemplate.size === 1) return [...byTemplate][0]!;
    throw new McpError(
      McpErrorCode.InvalidParams,
      exact.size + byTemplate.size > 1 ? 'Resource URI is ambiguous; use /mcp/servers/{name}' : 'Resource not found',
    );
  }

  private catalog<R>(
    ctx: McpCallContext,
    contract: RpcContract<{ tenantId: string; principalId: string; roles?: string[] }, R>,
  ): Promise<R> {
    return this.orchestrator(contract, this.scope(ctx));
  }

  private scope(ctx: McpCallContext): { tenantId: string; principalId: string; roles: string[] } {
    return { tenantId: ctx.tenant.id, principalId: ctx.principal.id, roles: [...ctx.principal.roles] };
  }

  private orchestrator<Req extends object, Res>(contract: RpcContract<Req, Res>, payload: Req, timeoutMs?: number): Promise<Res> {
    return this.downstream.call('mcp-orchestrator-api', contract, payload, timeoutMs).catch((err: unknown) => {
      throw mcpErrorFrom(err);
    });
  }
}
