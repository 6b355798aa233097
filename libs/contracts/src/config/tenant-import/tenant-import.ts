import { ActorField } from '../../audit-fields.js';
import { IsString, Length } from 'class-validator';
import { defineRpc } from '../../rpc.js';
import type { TenantRecord } from '../model.js';

/**
 * Onboards every tenant of a routing.yaml (seed 004 §5.4; the bare file or the ConfigMap
 * that carries it). Tenants that already exist are left as they are and listed in
 * `existing`; the file is validated whole before anything is created.
 */
export class TenantImportRequest {
  @IsString()
  @Length(1, 1_000_000)
  yaml: string;

  @ActorField()
  actor: string;
}

export interface TenantImportReply {
  created: TenantRecord[];
  existing: string[];
}

export const ConfigTenantImport = defineRpc<TenantImportRequest, TenantImportReply>('config.tenant.import', TenantImportRequest);
