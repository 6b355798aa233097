import { defineRpc } from '../../rpc.js';
import { ScopedServerRequest } from '../common.js';
import type { RefreshOutcome, ServerInfo } from '../types.js';

/** Re-lists the upstream now (it is also refreshed on a schedule and on list_changed notifications). */
export class ServerRefreshRequest extends ScopedServerRequest {}

export const ServerRefresh = defineRpc<ServerRefreshRequest, ServerInfo & { changes: RefreshOutcome }>(
  'orchestrator.server.refresh',
  ServerRefreshRequest,
);
