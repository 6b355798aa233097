/**
 * Relay of upstream traffic back to the caller during a tool call or a streaming job.
 *
 * The caller (the gateway) subscribes to a subject of its own choosing inside
 * `orchestrator.relay.<token>` (token: 8–64 of [A-Za-z0-9_-], prefix applied like every subject)
 * and passes it as `relaySubject` in `orchestrator.tool.call` / `orchestrator.job.submit`.
 * While the call runs, the orchestrator:
 * - publishes notifications (no reply expected), JSON `RelayNotification`:
 *   `{ type: 'progress', callId, params: { progress, total?, message? } }` (MCP notifications/progress),
 *   `{ type: 'log', callId, params: { level, logger?, data } }` (MCP notifications/message),
 *   `{ type: 'delta', callId, params: { text } }` (a streamed inference token chunk);
 * - sends server-to-client requests as NATS requests, JSON `RelayRequest`:
 *   `{ type: 'request', callId, method: 'elicitation/create' | 'sampling/createMessage', params }`
 *   and expects the reply `{ data: <MCP result> }` or `{ error: { code, message } }` within the call's
 *   timeout; no answer fails the upstream's request (the upstream decides what that means).
 * Only calls that pass a relaySubject get a dedicated upstream session (so per-session logging,
 * elicitation and sampling are attributable); other calls share the pooled sessions.
 */
export const RELAY_SUBJECT_PATTERN = /^orchestrator\.relay\.[A-Za-z0-9_-]{8,64}$/;

export type RelayNotification =
  | { type: 'progress'; callId: string; params: { progress: number; total?: number; message?: string } }
  | { type: 'log'; callId: string; params: { level: string; logger?: string; data: unknown } }
  | { type: 'delta'; callId: string; params: { text: string } };

export interface RelayRequest {
  type: 'request';
  callId: string;
  method: 'elicitation/create' | 'sampling/createMessage';
  params: unknown;
}
