import { defineRpc } from '../../rpc.js';
import { TenantScopedRequest } from '../common.js';

/** Resources and resource templates of every server the tenant sees (from the last refresh). */
export class ResourceListRequest extends TenantScopedRequest {}

export interface CatalogEntry<T> {
  server: string;
  scope: 'global' | 'tenant';
  item: T;
}

export const ResourceList = defineRpc<
  ResourceListRequest,
  { resources: CatalogEntry<unknown>[]; resourceTemplates: CatalogEntry<unknown>[] }
>('orchestrator.resource.list', ResourceListRequest);
