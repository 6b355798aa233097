import assert from 'node:assert/strict';
import type { ErrorBody, RpcReply } from '#contracts';
import type { NatsTestClient, TestPlatform } from '#testing';
import type { CounterStats } from '../../support/upstreams.js';

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

/** Ends an orchestrator test's NATS client after deleting the run's work stream (JetStream keeps it otherwise). */
export async function closeWorkQueue(platform: TestPlatform, nats: NatsTestClient | undefined): Promise<void> {
  if (!nats) return;
  const jsm = await nats.connection.jetstreamManager();
  await jsm.streams.delete(`${platform.namespace.token}_ORCHESTRATOR_STEPS`).catch(() => undefined);
  await nats.close();
}

/** Upstream completions of the counter server per `run:step`, for the runs named. */
export function completionsPerStep(stats: CounterStats, runIds: Set<string>): Map<string, number> {
  const perStep = new Map<string, number>();
  for (const [key, n] of Object.entries(stats.completions)) {
    const [, runId, stepId] = key.split(':');
    if (runIds.has(runId!)) perStep.set(`${runId}:${stepId}`, (perStep.get(`${runId}:${stepId}`) ?? 0) + n);
  }
  return perStep;
}
