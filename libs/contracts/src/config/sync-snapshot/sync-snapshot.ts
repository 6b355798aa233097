import { IsIn, IsOptional } from 'class-validator';
import { defineRpc } from '../../rpc.js';
import type { ConfigSnapshot } from '../events.js';

export const SYNC_REASONS = ['start', 'gap', 'reconnect', 'check'] as const;
export type SyncReason = (typeof SYNC_REASONS)[number];

/** Flags and tenants at one revision, for #config-client's (re)synchronization. */
export class SyncSnapshotRequest {
  /** Why the client resyncs; logged by mcp-config so frequent gaps are visible to operators. */
  @IsOptional()
  @IsIn(SYNC_REASONS)
  reason?: SyncReason;
}

export type SyncSnapshotReply = ConfigSnapshot;

export const ConfigSyncSnapshot = defineRpc<SyncSnapshotRequest, SyncSnapshotReply>('config.sync.snapshot', SyncSnapshotRequest);
