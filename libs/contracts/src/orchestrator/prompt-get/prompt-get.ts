import { IsObject, IsOptional, IsString, Length, Matches } from 'class-validator';
import { defineRpc } from '../../rpc.js';
import { ORCH_NAME, TenantScopedRequest } from '../common.js';

/** Relays MCP prompts/get; reply is the MCP GetPromptResult. */
export class PromptGetRequest extends TenantScopedRequest {
  @IsString()
  @Matches(ORCH_NAME)
  server!: string;

  @IsString()
  @Length(1, 128)
  name!: string;

  @IsOptional()
  @IsObject()
  arguments?: Record<string, string>;
}

export const PromptGet = defineRpc<PromptGetRequest, { description?: string; messages: unknown[] }>(
  'orchestrator.prompt.get',
  PromptGetRequest,
);
