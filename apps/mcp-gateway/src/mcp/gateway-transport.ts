import type { Transport, TransportSendOptions } from '@modelcontextprotocol/sdk/shared/transport.js';
import type { JSONRPCMessage, MessageExtraInfo, RequestId } from '@modelcontextprotocol/sdk/types.js';
import type { McpExchange } from './exchange.js';

/** Answers from a client to server-to-client requests, or cancellations, that belong to another replica. */
export interface CrossReplicaRelay {
  /** Delivers a client's response to the replica that sent the request. */
  sendResponse(replicaId: string, scope: string, message: JSONRPCMessage): void;
  /** Tells every replica that a client cancelled one of its requests. */
  broadcastCancel(scope: string, clientRequestId: RequestId, reason: string | undefined): void;
}

interface Inbound {
  exchange: McpExchange;
  clientId: RequestId;
  scope: string;
  outbound: number[];
}

type Msg = Record<string, unknown>;

/**
 * One SDK transport shared by every MCP request this replica serves, so the protocol engine (one
 * SDK `Server`) is built once instead of per request. Each inbound request gets a replica-unique id
 * (clients all number from 0); responses and related notifications are routed back to the HTTP
 * exchange that carried the request, with the client's id restored. Server-to-client requests
 * (elicitation, sampling) get ids `<replica>:<n>`, so a client's answer can arrive at any replica
 * and still reach the one waiting for it.
 *
 * `scope` binds messages to the session (or, stateless, to principal+tenant) that sent them: a
 * response or cancellation from another scope is ignored.
 */
export class GatewayTransport implements Transport {
  onmessage?: (<T extends JSONRPCMessage>(message: T, extra?: MessageExtraInfo) => void) | undefined;
  onclose?: (() => void) | undefined;
  onerror?: ((error: Error) => void) | undefined;

  private nextInternalId = 1;
  private readonly inbound = new Map<number, Inbound>();
  private readonly byClientId = new Map<string, number>();
  private readonly outbound = new Map<number, { scope: string; inboundId: number }>();

  constructor(
    readonly replicaId: string,
    private readonly relay: CrossReplicaRelay,
  ) {}

  async start(): Promise<void> {}

  async close(): Promise<void> {
    this.onclose?.();
  }

  get inFlight(): number {
    return this.inbound.size;
  }

  async send(message: JSONRPCMessage, options?: TransportSendOptions): Promise<void> {
    const m = message as Msg;
    if ('id' in m && ('result' in m || 'error' in m)) {
      const internalId = m['id'] as number;
      const entry = this.inbound.get(internalId);
      if (!entry) return;
      this.release(internalId, entry);
      entry.exchange.deliver({ ...m, id: entry.clientId } as JSONRPCMessage, internalId);
      return;
    }
    const related = options?.relatedRequestId;
    const entry = related === undefined ? undefined : this.inbound.get(related as number);
    // Only messages tied to a live request have a stream to go to; the gateway sends nothing unsolicited.
    if (!entry || entry.exchange.isFinished) return;
    if ('id' in m && 'method' in m) {
      const n = m['id'] as number;
      this.outbound.set(n, { scope: entry.scope, inboundId: related as number });
      entry.outbound.push(n);
      entry.exchange.deliver({ ...m, id: `${this.replicaId}:${n}` } as JSONRPCMessage);
    } else {
      entry.exchange.deliver(message);
    }
  }

  /**
   * Hands the messages of one POST to the protocol engine. Returns whether any of them is a request
   * (the exchange then waits for responses; otherwise the POST is answered 202).
   */
  dispatch(messages: JSONRPCMessage[], exchange: McpExchange, scope: string, extra: MessageExtraInfo): boolean {
    let hasRequests = false;
    for (const message of messages) {
      const m = message as Msg;
      if ('method' in m && 'id' in m) {
        hasRequests = true;
        const internalId = this.nextInternalId++;
        const clientId = m['id'] as RequestId;
        this.inbound.set(internalId, { exchange, clientId, scope, outbound: [] });
        this.byClientId.set(clientKey(scope, clientId), internalId);
        exchange.expect(internalId);
        this.onmessage?.({ ...m, id: internalId } as JSONRPCMessage, extra);
      } else if ('id' in m) {
        this.routeClientResponse(m, scope);
      } else if (m['method'] === 'notifications/cancelled') {
        const params = (m['params'] ?? {}) as { requestId?: RequestId; reason?: string };
        if (params.requestId === undefined) continue;
        if (!this.cancelLocal(scope, params.requestId, params.reason)) this.relay.broadcastCancel(scope, params.requestId, params.reason);
      } else {
        this.onmessage?.(message, extra);
      }
    }
    return hasRequests;
  }

  /** A client's answer to a server-to-client request, arriving here or relayed from another replica. */
  deliverClientResponse(n: number, scope: string, message: JSONRPCMessage): void {
    const pending = this.outbound.get(n);
    if (!pending || pending.scope !== scope) return;
    this.outbound.delete(n);
    this.onmessage?.({ ...(message as Msg), id: n } as JSONRPCMessage);
  }

  /** Returns false when the request is not (or no longer) in flight on this replica. */
  cancelLocal(scope: string, clientRequestId: RequestId, reason: string | undefined): boolean {
    const internalId = this.byClientId.get(clientKey(scope, clientRequestId));
    if (internalId === undefined) return false;
    const entry = this.inbound.get(internalId)!;
    this.release(internalId, entry);
    const params: Record<string, unknown> = { requestId: internalId };
    if (reason !== undefined) params['reason'] = reason;
    this.onmessage?.({ jsonrpc: '2.0', method: 'notifications/cancelled', params } as JSONRPCMessage);
    entry.exchange.abandon(internalId);
    return true;
  }

  private routeClientResponse(m: Msg, scope: string): void {
    const id = m['id'];
    if (typeof id !== 'string') return;
    const sep = id.lastIndexOf(':');
    const n = Number(id.slice(sep + 1));
    if (sep <= 0 || !Number.isSafeInteger(n)) return;
    const replica = id.slice(0, sep);
    if (replica === this.replicaId) this.deliverClientResponse(n, scope, { ...m, id: n } as JSONRPCMessage);
    else this.relay.sendResponse(replica, scope, { ...m, id: n } as JSONRPCMessage);
  }

  private release(internalId: number, entry: Inbound): void {
    this.inbound.delete(internalId);
    this.byClientId.delete(clientKey(entry.scope, entry.clientId));
    for (const n of entry.outbound) this.outbound.delete(n);
  }
}

function clientKey(scope: string, id: RequestId): string {
  return `${scope}\u0000${typeof id}:${String(id)}`;
}
