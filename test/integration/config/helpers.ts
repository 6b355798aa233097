import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import type { ErrorBody, RpcReply } from '#contracts';
import { ConfigClient, natsConfigTransport } from '#config-client';
import { NatsClient, RpcClient } from '#messaging';
import type { NatsTestClient } from '#testing';

/** The reply's data, failing the test with the error body when there is none. */
export async function ok<T>(nats: NatsTestClient, subject: string, payload: unknown): Promise<T> {
  const reply = await nats.request(subject, payload);
  assert.ok('data' in reply, `${subject} failed: ${JSON.stringify(reply)}`);
  return (reply as { data: T }).data;
}

/** The reply's error body, failing the test when the call succeeded. */
export async function fails(nats: NatsTestClient, subject: string, payload: unknown): Promise<ErrorBody> {
  const reply: RpcReply<unknown> = await nats.request(subject, payload);
  assert.ok('error' in reply, `${subject} should have failed: ${JSON.stringify(reply)}`);
  return reply.error;
}

/** A #config-client as another app would run it: own NATS connection, same subject prefix. */
export async function startConfigClient(
  subjectPrefix: string,
  url = 'nats://127.0.0.1:4222',
): Promise<{ client: ConfigClient; close(): Promise<void> }> {
  const nats = await NatsClient.connect({
    url,
    name: `config-client-test:${randomUUID().slice(0, 8)}`,
    subjectPrefix,
  });
  const client = new ConfigClient(natsConfigTransport(nats, new RpcClient(nats, 5_000)), { revisionCheckMs: 60_000 });
  await client.start();
  return {
    client,
    async close() {
      client.stop();
      await nats.drain();
    },
  };
}
