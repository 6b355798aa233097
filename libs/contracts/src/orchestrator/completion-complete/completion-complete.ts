import { IsObject, IsString, Matches } from 'class-validator';
import { defineRpc } from '../../rpc.js';
import { ORCH_NAME, TenantScopedRequest } from '../common.js';

/** Relays MCP completion/complete (`ref` and `argument` exactly as in the MCP request params). */
export class CompletionCompleteRequest extends TenantScopedRequest {
  @IsString()
  @Matches(ORCH_NAME)
  server!: string;

  @IsObject()
  ref!: Record<string, unknown>;

  @IsObject()
  argument!: { name: string; value: string };
}

export const CompletionComplete = defineRpc<
  CompletionCompleteRequest,
  { completion: { values: string[]; total?: number; hasMore?: boolean } }
>('orchestrator.completion.complete', CompletionCompleteRequest);
