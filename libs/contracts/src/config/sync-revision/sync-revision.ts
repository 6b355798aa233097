import { IsInt, IsOptional, Min } from 'class-validator';
import { defineRpc } from '../../rpc.js';

/** The latest committed revision: cheap check for a client that may have missed the last event. */
export class SyncRevisionRequest {
  /** The caller's revision; a caller found behind is counted in `config_sync_clients_behind_total`. */
  @IsOptional()
  @IsInt()
  @Min(-1)
  knownRevision?: number;
}

export interface SyncRevisionReply {
  revision: number;
}

export const ConfigSyncRevision = defineRpc<SyncRevisionRequest, SyncRevisionReply>('config.sync.revision', SyncRevisionRequest);
