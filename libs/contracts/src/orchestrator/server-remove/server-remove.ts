import { defineRpc } from '../../rpc.js';
import { ScopedServerRequest } from '../common.js';

export class ServerRemoveRequest extends ScopedServerRequest {}

export const ServerRemove = defineRpc<ServerRemoveRequest, { removed: true }>('orchestrator.server.remove', ServerRemoveRequest);
