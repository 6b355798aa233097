import { IsString } from 'class-validator';
import { defineRpc } from '../../rpc.js';
import type { TenantRecord } from '../model.js';

export class TenantGetRequest {
  @IsString()
  tenantId: string;
}

export type TenantGetReply = TenantRecord;

export const ConfigTenantGet = defineRpc<TenantGetRequest, TenantGetReply>('config.tenant.get', TenantGetRequest);
