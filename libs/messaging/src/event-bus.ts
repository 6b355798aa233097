import { randomUUID } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import type { CloudEvent, EventContract } from '#contracts';
import { injectTraceContext } from '#tracing';
import { encodeJson } from './json.js';
import { NatsClient } from './nats-client.js';
import { injectTenant } from './tenant-header.js';

export const EVENT_SOURCE = Symbol('EVENT_SOURCE');

/** Publishes CloudEvents 1.0 on `events.<service>.<type>` (DESIGN.md "Messaging"). */
@Injectable()
export class EventBus {
  constructor(
    private readonly nats: NatsClient,
    @Inject(EVENT_SOURCE) private readonly source: string,
  ) {}

  publish<D extends object>(contract: EventContract<D>, data: D, options: { subject?: string; tenantId?: string } = {}): CloudEvent<D> {
    const event: CloudEvent<D> = {
      specversion: '1.0',
      id: randomUUID(),
      source: this.source,
      type: contract.type,
      time: new Date().toISOString(),
      datacontenttype: 'application/json',
      ...(options.subject ? { subject: options.subject } : {}),
      ...(options.tenantId ? { tenantid: options.tenantId } : {}),
      data,
    };
    const headers = this.nats.headers();
    injectTraceContext(headers);
    injectTenant(headers, options.tenantId);
    this.nats.connection.publish(this.nats.subject(contract.subject), encodeJson(event), { headers });
    return event;
  }
}
