import type { ErrorBody } from './errors.js';

type Constructor<T> = new (...args: never[]) => T;

/**
 * One request/reply message between apps. The subject is the wire name
 * (`<service>.<noun>.<verb>`, DESIGN.md); a breaking change to the request or reply gets a new
 * contract with a `.v2` suffix while the old one is still served.
 */
export interface RpcContract<Request extends object, Reply> {
  readonly kind: 'rpc';
  readonly subject: string;
  /** class-validator class: every incoming payload is validated against it before a handler runs. */
  readonly request: Constructor<Request>;
  /** Marker for the reply type; not present at run time. */
  readonly reply?: Reply;
}

export function defineRpc<Request extends object, Reply>(subject: string, request: Constructor<Request>): RpcContract<Request, Reply> {
  assertSubject(subject);
  const contract: RpcContract<Request, Reply> = Object.freeze({ kind: 'rpc', subject, request });
  registry.set(subject, contract as RpcContract<object, unknown>);
  return contract;
}

/** A CloudEvents 1.0 event published on `events.<service>.<type>`. */
export interface EventContract<Data extends object> {
  readonly kind: 'event';
  readonly subject: string;
  /** CloudEvents `type`, reverse-DNS as in seed 004 §3.1 (`com.mcp.<service>.<type>`). */
  readonly type: string;
  readonly data: Constructor<Data>;
}

export function defineEvent<Data extends object>(subject: string, data: Constructor<Data>): EventContract<Data> {
  if (!subject.startsWith('events.')) throw new Error(`event subject must start with "events.": ${subject}`);
  assertSubject(subject);
  const type = `com.mcp.${subject.slice('events.'.length)}`;
  const contract: EventContract<Data> = Object.freeze({ kind: 'event', subject, type, data });
  eventRegistry.set(subject, contract as EventContract<object>);
  return contract;
}

export type RequestOf<C> = C extends RpcContract<infer R, unknown> ? R : never;
export type ReplyOf<C> = C extends RpcContract<object, infer R> ? R : never;

/** What travels back on NATS for a request: exactly one of the two. */
export type RpcReply<T> = { data: T } | { error: ErrorBody };

const SUBJECT = /^[a-z][a-z0-9-]*(\.[a-z][a-z0-9-]*)+$/;
function assertSubject(subject: string): void {
  if (!SUBJECT.test(subject)) throw new Error(`invalid subject name: ${subject}`);
  if (registry.has(subject) || eventRegistry.has(subject)) throw new Error(`subject defined twice: ${subject}`);
}

const registry = new Map<string, RpcContract<object, unknown>>();
const eventRegistry = new Map<string, EventContract<object>>();

export function rpcContractFor(subject: string): RpcContract<object, unknown> | undefined {
  return registry.get(subject);
}
export function eventContractFor(subject: string): EventContract<object> | undefined {
  return eventRegistry.get(subject);
}
/** Every request/reply contract of the platform (used by tests that probe each subject). */
export function allRpcContracts(): RpcContract<object, unknown>[] {
  return [...registry.values()];
}
