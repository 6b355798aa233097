import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import {
  CreateMessageRequestSchema,
  ElicitRequestSchema,
  ErrorCode as McpErrorCode,
  LoggingMessageNotificationSchema,
  McpError,
  type CallToolResult,
  type Tool,
} from '@modelcontextprotocol/sdk/types.js';
import { DomainError, ErrorCode } from '#contracts';
import { cancelledError } from '../cancellation.js';
import { CircuitBreaker } from './circuit-breaker.js';

export const IDEMPOTENCY_META_KEY = 'mcp-orchestrator.dev/idempotency-key';

export interface UpstreamTarget {
  /** Pool key: scope + server name, e.g. `global/everything` or `tenant:acme/counter`. */
  key: string;
  url: string;
  /** Headers presented upstream (already-resolved credentials; never logged). */
  headers?: Record<string, string>;
}

/** Receives what an upstream sends back during one call, for relaying to the caller. */
export interface CallRelay {
  /** Logs and server-to-client requests are wanted too: they are per session, so the call needs its own. */
  readonly wantsSession: boolean;
  progress(params: { progress: number; total?: number; message?: string }): void;
  log(params: { level: string; logger?: string; data: unknown }): void;
  serverRequest(method: 'elicitation/create' | 'sampling/createMessage', params: unknown): Promise<Record<string, unknown>>;
}

export interface ToolCallOptions {
  timeoutMs: number;
  signal?: AbortSignal;
  idempotencyKey?: string;
  relay?: CallRelay;
}

export interface UpstreamPoolOptions {
  maxConnectionsPerUpstream: number;
  connectTimeoutMs: number;
  breaker: { failureThreshold: number; resetTimeoutMs: number };
  onListChanged: (key: string, kind: 'tools' | 'resources' | 'prompts') => void;
}

interface Connection {
  client: Client;
  inFlight: number;
  closed: boolean;
}
interface Upstream {
  target: UpstreamTarget;
  connections: Connection[];
  connecting: number;
  waiters: (() => void)[];
  breaker: CircuitBreaker;
}

const CLIENT_INFO = { name: 'mcp-orchestrator', version: '0.1.0' };

/**
 * Keeps up to N live MCP client sessions per upstream and hands calls to the least busy one.
 * Progress is per request and is relayed from a pooled session; calls that need logging,
 * elicitation or sampling relayed (per session in MCP) get a dedicated session so nothing is
 * misattributed.
 */
export class UpstreamPool {
  private readonly upstreams = new Map<string, Upstream>();

  constructor(private readonly opts: UpstreamPoolOptions) {}

  breakerState(key: string) {
    return this.upstreams.get(key)?.breaker.state ?? 'closed';
  }

  async listAll(target: UpstreamTarget, timeoutMs: number) {
    return this.withClient(target, async (client) => {
      const caps = client.getServerCapabilities() ?? {};
      const tools: Tool[] = [];
      for (let cursor: string | undefined, first = true; first || cursor; first = false) {
        const page = await client.listTools(cursor ? { cursor } : {}, { timeout: timeoutMs });
        tools.push(...page.tools);
        cursor = page.nextCursor;
      }
      const resources = caps.resources ? (await client.listResources({}, { timeout: timeoutMs })).resources : [];
      const resourceTemplates = caps.resources ? (await client.listResourceTemplates({}, { timeout: timeoutMs })).resourceTemplates : [];
      const prompts = caps.prompts ? (await client.listPrompts({}, { timeout: timeoutMs })).prompts : [];
      return { tools, resources, resourceTemplates, prompts, serverVersion: client.getServerVersion()?.version ?? null };
    });
  }

  async callTool(target: UpstreamTarget, name: string, args: Record<string, unknown>, opts: ToolCallOptions): Promise<CallToolResult> {
    const params = {
      name,
      arguments: args,
      ...(opts.idempotencyKey ? { _meta: { [IDEMPOTENCY_META_KEY]: opts.idempotencyKey } } : {}),
    };
    const requestOptions = {
      timeout: opts.timeoutMs,
      signal: opts.signal,
      maxTotalTimeout: opts.timeoutMs,
      ...(opts.relay
        ? {
            onprogress: (p: { progress: number; total?: number; message?: string }) => opts.relay!.progress(p),
            resetTimeoutOnProgress: false,
          }
        : {}),
    };
    const call = (client: Client) =>
      client.callTool(params, undefined, requestOptions).catch((err: unknown) => {
        throw toDomainError(err, target, opts.signal);
      }) as Promise<CallToolResult>;
    if (opts.relay?.wantsSession) return this.withDedicatedClient(target, opts.relay, call);
    return this.withClient(target, call);
  }

  /** Runs one MCP request (resources/read, prompts/get, completion/complete) on a pooled session. */
  async request<T>(target: UpstreamTarget, fn: (client: Client) => Promise<T>, signal?: AbortSignal): Promise<T> {
    return this.withClient(target, (client) =>
      fn(client).catch((err: unknown) => {
        throw toDomainError(err, target, signal);
      }),
    );
  }

  /** Closes and forgets an upstream (server removed or its URL changed). */
  async drop(key: string) {
    const up = this.upstreams.get(key);
    this.upstreams.delete(key);
    await Promise.all((up?.connections ?? []).map((c) => c.client.close().catch(() => undefined)));
  }

  async closeAll() {
    await Promise.all([...this.upstreams.keys()].map((k) => this.drop(k)));
  }

  private upstream(target: UpstreamTarget): Upstream {
    let up = this.upstreams.get(target.key);
    if (up && (up.target.url !== target.url || JSON.stringify(up.target.headers) !== JSON.stringify(target.headers))) {
      void this.drop(target.key);
      up = undefined;
    }
    if (!up) {
      up = { target, connections: [], connecting: 0, waiters: [], breaker: new CircuitBreaker(target.key, this.opts.breaker) };
      this.upstreams.set(target.key, up);
    }
    return up;
  }

  private async withClient<T>(target: UpstreamTarget, fn: (client: Client) => Promise<T>): Promise<T> {
    const up = this.upstream(target);
    return up.breaker.run(async () => {
      const conn = await this.acquire(up);
      conn.inFlight++;
      try {
        return await fn(conn.client);
      } catch (err) {
        // A broken session is replaced on the next call instead of failing every later call.
        if (err instanceof DomainError && err.code === ErrorCode.SERVICE_UNAVAILABLE) this.discard(up, conn);
        throw err;
      } finally {
        conn.inFlight--;
        up.waiters.shift()?.();
      }
    });
  }

  private async withDedicatedClient<T>(target: UpstreamTarget, relay: CallRelay, fn: (client: Client) => Promise<T>): Promise<T> {
    const up = this.upstream(target);
    return up.breaker.run(async () => {
      const client = new Client(CLIENT_INFO, { capabilities: { elicitation: {}, sampling: {} } });
      client.setNotificationHandler(LoggingMessageNotificationSchema, (n) => relay.log(n.params));
      client.setRequestHandler(ElicitRequestSchema, async (req) => relay.serverRequest('elicitation/create', req.params) as never);
      client.setRequestHandler(
        CreateMessageRequestSchema,
        async (req) => relay.serverRequest('sampling/createMessage', req.params) as never,
      );
      await this.connect(client, target);
      try {
        return await fn(client);
      } finally {
        await client.close().catch(() => undefined);
      }
    });
  }

  private async acquire(up: Upstream): Promise<Connection> {
    for (;;) {
      const live = up.connections.filter((c) => !c.closed);
      up.connections = live;
      const idle = live.find((c) => c.inFlight === 0);
      if (idle) return idle;
      if (live.length + up.connecting < this.opts.maxConnectionsPerUpstream) return this.open(up);
      if (live.length === 0) await new Promise<void>((r) => up.waiters.push(r));
      else return live.reduce((a, b) => (b.inFlight < a.inFlight ? b : a));
    }
  }

  private async open(up: Upstream): Promise<Connection> {
    up.connecting++;
    try {
      const client = new Client(CLIENT_INFO, {
        capabilities: { elicitation: {}, sampling: {} },
        listChanged: {
          tools: { autoRefresh: false, onChanged: () => this.opts.onListChanged(up.target.key, 'tools') },
          resources: { autoRefresh: false, onChanged: () => this.opts.onListChanged(up.target.key, 'resources') },
          prompts: { autoRefresh: false, onChanged: () => this.opts.onListChanged(up.target.key, 'prompts') },
        },
      });
      // Declared so upstreams expose their sampling/elicitation tools; on a shared session there is no
      // caller to ask, so such requests are refused (calls with a relay get their own session).
      const refuse = async (): Promise<never> => {
        throw new McpError(
          McpErrorCode.InvalidRequest,
          'this call was made without a relay for server requests; the caller cannot answer them',
        );
      };
      client.setRequestHandler(ElicitRequestSchema, refuse);
      client.setRequestHandler(CreateMessageRequestSchema, refuse);
      const conn: Connection = { client, inFlight: 0, closed: false };
      client.onclose = () => {
        conn.closed = true;
      };
      await this.connect(client, up.target);
      up.connections.push(conn);
      return conn;
    } finally {
      up.connecting--;
      up.waiters.shift()?.();
    }
  }

  private async connect(client: Client, target: UpstreamTarget) {
    const transport = new StreamableHTTPClientTransport(new URL(target.url), { requestInit: { headers: target.headers ?? {} } });
    try {
      await client.connect(transport, { timeout: this.opts.connectTimeoutMs });
    } catch (err) {
      await client.close().catch(() => undefined);
      throw new DomainError(ErrorCode.SERVICE_UNAVAILABLE, `upstream ${target.key} is unreachable`, {
        upstream: target.key,
        cause: errorMessage(err),
      });
    }
  }

  private discard(up: Upstream, conn: Connection) {
    conn.closed = true;
    void conn.client.close().catch(() => undefined);
  }
}

function errorMessage(err: unknown): string {
  return err instanceof Error ? err.message.slice(0, 300) : String(err).slice(0, 300);
}

function toDomainError(err: unknown, target: UpstreamTarget, signal?: AbortSignal): DomainError {
  if (err instanceof DomainError) return err;
  if (signal?.aborted) return cancelledError('call', { upstream: target.key });
  if (err instanceof McpError) {
    if (err.code === McpErrorCode.RequestTimeout)
      return new DomainError(ErrorCode.UPSTREAM_TIMEOUT, `upstream ${target.key} timed out`, { upstream: target.key });
    if (err.code === McpErrorCode.InvalidParams || err.code === McpErrorCode.MethodNotFound) {
      return new DomainError(ErrorCode.VALIDATION_FAILED, err.message, { upstream: target.key, mcpCode: err.code });
    }
    if (err.code !== McpErrorCode.ConnectionClosed)
      return new DomainError(ErrorCode.UPSTREAM_ERROR, err.message, { upstream: target.key, mcpCode: err.code });
  }
  return new DomainError(ErrorCode.SERVICE_UNAVAILABLE, `upstream ${target.key} failed`, {
    upstream: target.key,
    cause: errorMessage(err),
  });
}
