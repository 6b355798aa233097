import { IsBoolean, IsOptional, IsString, IsUrl, Length } from 'class-validator';
import { defineRpc } from '../../rpc.js';
import { ScopedServerRequest } from '../common.js';
import type { ServerInfo } from '../types.js';

/**
 * Registers an upstream MCP server (Streamable HTTP) in the tenant's private registry or, for
 * `platform-admin`, the global one; connects, discovers tools/resources/prompts and pins each tool
 * definition by hash. Fails with SERVICE_UNAVAILABLE when the upstream cannot be reached.
 */
export class ServerRegisterRequest extends ScopedServerRequest {
  @IsUrl({ protocols: ['http', 'https'], require_tld: false, require_protocol: true })
  url!: string;

  @IsOptional()
  @IsString()
  @Length(1, 64)
  version?: string;

  /** Quarantine changed tool definitions until approved (default true). */
  @IsOptional()
  @IsBoolean()
  quarantineOnChange?: boolean;
}

export const ServerRegister = defineRpc<ServerRegisterRequest, ServerInfo>('orchestrator.server.register', ServerRegisterRequest);
