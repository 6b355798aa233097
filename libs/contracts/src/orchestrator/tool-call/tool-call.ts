import { IsBoolean, IsInt, IsObject, IsOptional, IsString, Length, Matches, Max, Min } from 'class-validator';
import { defineRpc } from '../../rpc.js';
import { ORCH_NAME, TenantScopedRequest } from '../common.js';
import { RELAY_SUBJECT_PATTERN } from '../relay.js';

/**
 * Calls a tool on its upstream (tenant's private server of that name first, then the global one).
 * Errors: NOT_FOUND (no such tool), FORBIDDEN with details.reason "quarantined", UPSTREAM_TIMEOUT,
 * SERVICE_UNAVAILABLE (unreachable or circuit open), CONFLICT with details.reason "cancelled".
 * A tool's own failure is not an error: it comes back as a result with `isError: true`.
 */
export class ToolCallRequest extends TenantScopedRequest {
  @IsString()
  @Matches(ORCH_NAME)
  server!: string;

  @IsString()
  @Length(1, 128)
  tool!: string;

  @IsOptional()
  @IsObject()
  arguments?: Record<string, unknown>;

  @IsOptional()
  @IsInt()
  @Min(100)
  @Max(600_000)
  timeoutMs?: number;

  /** Caller's id for this call: used by orchestrator.tool.cancel and in relay messages. */
  @IsOptional()
  @IsString()
  @Matches(/^[A-Za-z0-9_-]{1,64}$/)
  callId?: string;

  /** See relay.ts: where progress, logs and server-to-client requests are relayed. */
  @IsOptional()
  @IsString()
  @Matches(RELAY_SUBJECT_PATTERN)
  relaySubject?: string;

  /**
   * With a relay: whether the caller can answer the upstream's elicitation and sampling requests and
   * wants its log messages (default true). Those belong to an MCP session, so such a call gets an
   * upstream session of its own; with false only progress is relayed and the call shares a pooled
   * session, which saves the upstream a session set-up and tear-down per call.
   */
  @IsOptional()
  @IsBoolean()
  relaySession?: boolean;
}

export interface ToolCallReply {
  server: string;
  tool: string;
  version: number;
  latencyMs: number;
  /** The MCP CallToolResult as the upstream returned it. */
  result: { content: unknown[]; structuredContent?: unknown; isError?: boolean; _meta?: unknown };
}

export const ToolCall = defineRpc<ToolCallRequest, ToolCallReply>('orchestrator.tool.call', ToolCallRequest);
