import type { LoggerService } from '@nestjs/common';
import { BaseRpcContext, Server, type CustomTransportStrategy, type MessageHandler } from '@nestjs/microservices';
import type { Msg, MsgHdrs, Subscription } from 'nats';
import { lastValueFrom } from 'rxjs';
import {
  DomainError,
  ErrorCode,
  eventContractFor,
  rpcContractFor,
  type CloudEvent,
  type EventContract,
  type RpcContract,
  type RpcReply,
} from '#contracts';
import { natsHandlerDuration } from '#observability';
import { inConsumerSpan } from '#tracing';
import { toErrorBody } from './error-body.js';
import { decodeJson, encodeJson } from './json.js';
import type { NatsClient } from './nats-client.js';
import { validatePayload } from './payload-validation.js';
import { inHeaderTenant } from './tenant-header.js';

/** What a `@MessagePattern` / `@EventPattern` handler gets as its context argument. */
export class NatsRpcContext extends BaseRpcContext<[string, MsgHdrs | undefined]> {
  getSubject(): string {
    return this.args[0];
  }
  getHeaders(): MsgHdrs | undefined {
    return this.args[1];
  }
}

/**
 * Nest microservice transport on the `nats` client (the project's one NATS client family).
 *
 * Differences from Nest's built-in NATS transport, all deliberate:
 * - the wire format is the contract's JSON itself (no Nest packet envelope), so any NATS client
 *   can call an app, and replies are always `{ data }` or `{ error: { code, message, details } }`;
 * - every request is validated against its contract class before the handler runs, and a handler
 *   for a subject without a contract refuses to start: no unvalidated payload reaches app code;
 * - W3C trace context is read from the message headers, so one trace spans every hop;
 * - request handlers share a queue group named after the app; event handlers do not (every replica
 *   must see every event, e.g. to drop a cache);
 * - close() stops taking messages, waits (bounded) for in-flight handlers, then returns so the
 *   connection can be drained.
 */
export class NatsTransport extends Server implements CustomTransportStrategy {
  private readonly subscriptions: Subscription[] = [];
  private readonly inFlight = new Set<Promise<void>>();

  constructor(
    private readonly nats: NatsClient,
    private readonly queueGroup: string,
    private readonly log: LoggerService,
    private readonly drainTimeoutMs: number,
  ) {
    super();
  }

  get inFlightCount(): number {
    return this.inFlight.size;
  }

  listen(callback: (err?: unknown) => void): void {
    try {
      for (const [pattern, handler] of this.messageHandlers) {
        if (handler.isEventHandler) this.subscribeEvent(pattern, handler);
        else this.subscribeRequest(pattern, handler);
      }
      callback();
    } catch (err) {
      callback(err);
    }
  }

  async close(): Promise<void> {
    for (const sub of this.subscriptions.splice(0)) sub.unsubscribe();
    const settled = Promise.allSettled([...this.inFlight]);
    await Promise.race([settled, new Promise((resolve) => setTimeout(resolve, this.drainTimeoutMs).unref())]);
  }

  on(): void {
    // Connection status is observed by the health probe, not through Nest's event hooks.
  }

  unwrap<T>(): T {
    return this.nats.connection as T;
  }

  private subscribeRequest(pattern: string, handler: MessageHandler): void {
    const contract = rpcContractFor(pattern);
    if (!contract) throw new Error(`@MessagePattern('${pattern}') has no contract in #contracts (defineRpc)`);
    const sub = this.nats.connection.subscribe(this.nats.subject(pattern), {
      queue: this.queueGroup,
      callback: (err, msg) => {
        if (err) return this.log.error({ msg: 'subscription error', subject: pattern, err: err.message });
        this.track(this.answer(contract, handler, msg));
      },
    });
    this.subscriptions.push(sub);
  }

  private subscribeEvent(pattern: string, handler: MessageHandler): void {
    const contract = eventContractFor(pattern);
    if (!contract) throw new Error(`@EventPattern('${pattern}') has no contract in #contracts (defineEvent)`);
    const sub = this.nats.connection.subscribe(this.nats.subject(pattern), {
      callback: (err, msg) => {
        if (err) return this.log.error({ msg: 'subscription error', subject: pattern, err: err.message });
        this.track(this.consume(contract, handler, msg));
      },
    });
    this.subscriptions.push(sub);
  }

  private track(task: Promise<void>): void {
    this.inFlight.add(task);
    void task.finally(() => this.inFlight.delete(task));
  }

  private async answer(contract: RpcContract<object, unknown>, handler: MessageHandler, msg: Msg): Promise<void> {
    const started = performance.now();
    let outcome: 'ok' | 'error' | 'invalid' = 'ok';
    await inHeaderTenant(msg.headers, () =>
      inConsumerSpan(contract.subject, msg.headers, async (span) => {
        let reply: RpcReply<unknown>;
        try {
          const payload = await validatePayload(contract.request, parseBody(msg));
          const context = new NatsRpcContext([contract.subject, msg.headers]);
          const result = await lastValueFrom(this.transformToObservable(await handler(payload, context)), { defaultValue: undefined });
          reply = { data: result ?? null };
        } catch (err) {
          const body = toErrorBody(err, this.log, contract.subject);
          outcome = body.code === ErrorCode.VALIDATION_FAILED || body.code === ErrorCode.MALFORMED_MESSAGE ? 'invalid' : 'error';
          span.setAttribute('error.type', body.code);
          reply = { error: body };
        }
        if (msg.reply) msg.respond(encodeJson(reply));
      }),
    );
    natsHandlerDuration.observe({ subject: contract.subject, outcome }, (performance.now() - started) / 1000);
  }

  private async consume(contract: EventContract<object>, handler: MessageHandler, msg: Msg): Promise<void> {
    const started = performance.now();
    let outcome: 'ok' | 'error' | 'invalid' = 'ok';
    await inConsumerSpan(contract.subject, msg.headers, async () => {
      let event: CloudEvent<object>;
      try {
        const raw = parseBody(msg) as CloudEvent<unknown> | undefined;
        if (!raw || raw.specversion !== '1.0' || typeof raw.type !== 'string') {
          throw new DomainError(ErrorCode.MALFORMED_MESSAGE, 'Not a CloudEvents 1.0 envelope');
        }
        event = { ...raw, data: await validatePayload(contract.data, raw.data) };
      } catch (err) {
        outcome = 'invalid';
        this.log.warn({
          msg: 'dropped malformed event',
          subject: contract.subject,
          reason: err instanceof Error ? err.message : String(err),
        });
        return;
      }
      try {
        await this.handleEvent(
          contract.subject,
          { pattern: contract.subject, data: event },
          new NatsRpcContext([contract.subject, msg.headers]),
        );
      } catch (err) {
        outcome = 'error';
        toErrorBody(err, this.log, contract.subject);
      }
    });
    natsHandlerDuration.observe({ subject: contract.subject, outcome }, (performance.now() - started) / 1000);
  }
}

function parseBody(msg: Msg): unknown {
  try {
    return decodeJson(msg.data) ?? {};
  } catch {
    throw new DomainError(ErrorCode.MALFORMED_MESSAGE, 'Message body is not valid JSON');
  }
}
