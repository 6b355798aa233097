import { IsIn, IsOptional } from 'class-validator';
import { defineRpc } from '../../rpc.js';
import { REGISTRY_SCOPES, TenantScopedRequest, type RegistryScope } from '../common.js';
import type { ServerInfo } from '../types.js';

/** Servers visible to the tenant: the global ones and its own (or only one scope). */
export class ServerListRequest extends TenantScopedRequest {
  @IsOptional()
  @IsIn(REGISTRY_SCOPES)
  scope?: RegistryScope;
}

export const ServerList = defineRpc<ServerListRequest, { items: ServerInfo[] }>('orchestrator.server.list', ServerListRequest);
