import { defineRpc } from '../../rpc.js';
import { TenantScopedRequest } from '../common.js';
import type { CatalogEntry } from '../resource-list/resource-list.js';

export class PromptListRequest extends TenantScopedRequest {}

export const PromptList = defineRpc<PromptListRequest, { prompts: CatalogEntry<unknown>[] }>('orchestrator.prompt.list', PromptListRequest);
