import assert from 'node:assert/strict';
import type { ErrorBody, RpcContract } from '#contracts';
import type { NatsTestClient } from '#testing';

/** Calls a policy subject and returns its data, failing the test on an error reply. */
export async function call<Req extends object, Res>(nats: NatsTestClient, contract: RpcContract<Req, Res>, payload: Req): Promise<Res> {
  const reply = await nats.request(contract.subject, payload);
  assert.ok('data' in reply, `${contract.subject} answered ${JSON.stringify(reply)}`);
  return reply.data as Res;
}

/** Calls a policy subject that must fail, and returns the typed error. */
export async function callFails(nats: NatsTestClient, contract: RpcContract<object, unknown>, payload: unknown): Promise<ErrorBody> {
  const reply = await nats.request(contract.subject, payload);
  assert.ok('error' in reply, `${contract.subject} should have failed but answered ${JSON.stringify(reply)}`);
  assert.doesNotMatch(JSON.stringify(reply), /\n\s+at /, 'no stack trace on the wire');
  return reply.error;
}
