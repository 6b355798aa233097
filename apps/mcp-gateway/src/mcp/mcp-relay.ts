import { randomBytes } from 'node:crypto';
import { Injectable, type OnApplicationShutdown, type OnModuleInit } from '@nestjs/common';
import type { Subscription } from 'nats';
import type { JSONRPCMessage, RequestId } from '@modelcontextprotocol/sdk/types.js';
import { NatsClient, decodeJson, encodeJson } from '#messaging';
import { GatewayTransport, type CrossReplicaRelay } from './gateway-transport.js';
import { McpServerService } from './mcp-server.js';

// Gateway-internal subjects (replica to replica), not part of any app's contract.
const RESPONSE_SUBJECT = 'gateway.mcp.response';
const CANCEL_SUBJECT = 'gateway.mcp.cancel';

/**
 * Connects the process's MCP server to its transport and carries what one replica must hand to
 * another: a client's answer to a server-to-client request sent by another replica, and a
 * cancellation of a request that another replica is running.
 */
@Injectable()
export class McpRelay implements CrossReplicaRelay, OnModuleInit, OnApplicationShutdown {
  readonly replicaId = randomBytes(6).toString('hex');
  readonly transport = new GatewayTransport(this.replicaId, this);
  private readonly subs: Subscription[] = [];

  constructor(
    private readonly nats: NatsClient,
    private readonly mcp: McpServerService,
  ) {}

  async onModuleInit(): Promise<void> {
    await this.mcp.server.connect(this.transport);
    const responses = this.nats.connection.subscribe(this.nats.subject(`${RESPONSE_SUBJECT}.${this.replicaId}`));
    const cancels = this.nats.connection.subscribe(this.nats.subject(CANCEL_SUBJECT));
    this.subs.push(responses, cancels);
    void (async () => {
      for await (const msg of responses) {
        const m = decodeJson(msg.data) as { scope: string; message: JSONRPCMessage & { id: number } } | undefined;
        if (m && typeof m.scope === 'string') this.transport.deliverClientResponse(m.message.id, m.scope, m.message);
      }
    })();
    void (async () => {
      for await (const msg of cancels) {
        const m = decodeJson(msg.data) as { scope: string; requestId: RequestId; reason?: string } | undefined;
        if (m && typeof m.scope === 'string') this.transport.cancelLocal(m.scope, m.requestId, m.reason);
      }
    })();
  }

  sendResponse(replicaId: string, scope: string, message: JSONRPCMessage): void {
    if (!/^[0-9a-f]{12}$/.test(replicaId)) return;
    this.nats.connection.publish(this.nats.subject(`${RESPONSE_SUBJECT}.${replicaId}`), encodeJson({ scope, message }));
  }

  broadcastCancel(scope: string, clientRequestId: RequestId, reason: string | undefined): void {
    this.nats.connection.publish(this.nats.subject(CANCEL_SUBJECT), encodeJson({ scope, requestId: clientRequestId, reason }));
  }

  onApplicationShutdown(): void {
    for (const s of this.subs) s.unsubscribe();
  }
}
