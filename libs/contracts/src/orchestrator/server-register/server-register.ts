// class-transformer's @Type reads design metadata while the class is being defined.
import 'reflect-metadata';
import { Type } from 'class-transformer';
import { IsBoolean, IsOptional, IsString, IsUrl, Length, Matches, ValidateNested } from 'class-validator';
import { defineRpc } from '../../rpc.js';
import { ScopedServerRequest } from '../common.js';
import type { ServerInfo } from '../types.js';

/**
 * Registers an upstream MCP server (Streamable HTTP) in the tenant's private registry or, for
 * `platform-admin`, the global one; connects, discovers tools/resources/prompts and pins each tool
 * definition by hash. Fails with SERVICE_UNAVAILABLE when the upstream cannot be reached.
 */
/**
 * Credentials presented upstream: the value of the mcp-config secret `secret` (the tenant's own for a
 * tenant server, a platform secret for a global one), sent as `<header>: <scheme> <value>`. Only the
 * reference is stored; the value is resolved when a session opens and never logged or returned.
 */
export class UpstreamAuthDto {
  @Matches(/^[a-z0-9][a-z0-9._-]{0,127}$/)
  secret!: string;

  @IsOptional()
  @Matches(/^[A-Za-z0-9-]{1,64}$/)
  header?: string;

  @IsOptional()
  @Matches(/^[A-Za-z]{0,32}$/)
  scheme?: string;
}

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

  @IsOptional()
  @ValidateNested()
  @Type(() => UpstreamAuthDto)
  auth?: UpstreamAuthDto;
}

export const ServerRegister = defineRpc<ServerRegisterRequest, ServerInfo>('orchestrator.server.register', ServerRegisterRequest);
