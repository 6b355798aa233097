import { defineRpc } from '../../rpc.js';
import type { ConfigSnapshot } from '../events.js';

/** Flags and tenants at one revision, for #config-client's (re)synchronization. */
export class SyncSnapshotRequest {}

export type SyncSnapshotReply = ConfigSnapshot;

export const ConfigSyncSnapshot = defineRpc<SyncSnapshotRequest, SyncSnapshotReply>('config.sync.snapshot', SyncSnapshotRequest);
