import { defineRpc } from '../../rpc.js';
import { EntryGetRequest, type EntryGetReply } from '../entry-get/entry-get.js';

/**
 * config.entry.get for the app that consumes the entry: `config://` secret references come
 * back decrypted (from the entry's own tenant scope); vault://, env:// and k8s:// references
 * stay `{"$secret": ref}` for the consumer to resolve in its own environment
 * (#config-client `resolveSecretRefs`). Internal only: the gateway never exposes it, and
 * nothing logs its replies.
 */
export class EntryResolveRequest extends EntryGetRequest {}

export type EntryResolveReply = EntryGetReply;

export const ConfigEntryResolve = defineRpc<EntryResolveRequest, EntryResolveReply>('config.entry.resolve', EntryResolveRequest);
