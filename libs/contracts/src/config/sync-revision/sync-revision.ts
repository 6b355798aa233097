import { defineRpc } from '../../rpc.js';

/** The latest committed revision: cheap check for a client that may have missed the last event. */
export class SyncRevisionRequest {}

export interface SyncRevisionReply {
  revision: number;
}

export const ConfigSyncRevision = defineRpc<SyncRevisionRequest, SyncRevisionReply>('config.sync.revision', SyncRevisionRequest);
