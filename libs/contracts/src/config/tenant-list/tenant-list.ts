import { IsIn, IsOptional } from 'class-validator';
import { defineRpc } from '../../rpc.js';
import type { TenantRecord, TenantStatus } from '../model.js';

export class TenantListRequest {
  @IsOptional()
  @IsIn(['active', 'suspended', 'deleted'])
  status?: TenantStatus;
}

export interface TenantListReply {
  tenants: TenantRecord[];
}

export const ConfigTenantList = defineRpc<TenantListRequest, TenantListReply>('config.tenant.list', TenantListRequest);
