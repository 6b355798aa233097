import { IsString, Length, Matches } from 'class-validator';
import { defineRpc } from '../../rpc.js';
import { ORCH_NAME, TenantScopedRequest } from '../common.js';

/** Relays MCP resources/read to the server; reply is the MCP ReadResourceResult. */
export class ResourceReadRequest extends TenantScopedRequest {
  @IsString()
  @Matches(ORCH_NAME)
  server!: string;

  @IsString()
  @Length(1, 2048)
  uri!: string;
}

export const ResourceRead = defineRpc<ResourceReadRequest, { contents: unknown[] }>('orchestrator.resource.read', ResourceReadRequest);
