import assert from 'node:assert/strict';
import type { ErrorBody, RpcReply } from '#contracts';
import type { NatsTestClient } from '#testing';

/** Sends a contract request and returns its data, failing the test on an error reply. */
export async function ok<T>(nats: NatsTestClient, subject: string, payload: unknown, timeoutMs = 15_000): Promise<T> {
  const reply = await nats.request(subject, payload, timeoutMs);
  if ('error' in reply) assert.fail(`${subject} failed: ${JSON.stringify(reply.error)}`);
  return reply.data as T;
}

/** Sends a contract request that must fail; returns the typed error. */
export async function fails(nats: NatsTestClient, subject: string, payload: unknown, timeoutMs = 15_000): Promise<ErrorBody> {
  const reply: RpcReply<unknown> = await nats.request(subject, payload, timeoutMs);
  if (!('error' in reply)) assert.fail(`${subject} should have failed, got ${JSON.stringify(reply.data).slice(0, 300)}`);
  return reply.error;
}

export const as = (tenantId: string, principalId = `user@${tenantId}`, roles: string[] = []) => ({ tenantId, principalId, roles });
