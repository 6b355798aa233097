import { IsBoolean, IsOptional } from 'class-validator';
import { defineRpc } from '../../rpc.js';
import { TenantScopedRequest } from '../common.js';
import type { ToolInfo } from '../types.js';

/** Callable tools of the tenant (global and private servers); quarantined ones only on request. */
export class ToolListRequest extends TenantScopedRequest {
  @IsOptional()
  @IsBoolean()
  includeQuarantined?: boolean;
}

export const ToolList = defineRpc<ToolListRequest, { items: ToolInfo[] }>('orchestrator.tool.list', ToolListRequest);
