// MCP tools/call through the whole platform from two kinds of client session, in one run:
// a client that declared sampling (its calls get an upstream session of their own, so the upstream
// can ask it to sample) and a plain client (its calls share the orchestrator's pooled upstream
// sessions). Rounds alternate between the two so machine noise hits both alike.
//
//   npm run build && node dist/bench/load/mcp-sessions.js [--seconds 10] [--connections 32] [--rounds 2]
import { parseArgs } from 'node:util';
import autocannon from 'autocannon';
import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { token } from '../../test/e2e/platform.js';
import { bootForLoad, mcpSession, tenantWithCounter, toolCall } from './platform.js';

const { values } = parseArgs({
  options: {
    seconds: { type: 'string', default: '10' },
    connections: { type: 'string', default: '32' },
    rounds: { type: 'string', default: '2' },
  },
});
const TENANT = 'sessions';

const e2e = await bootForLoad();
const clients: Client[] = [];
try {
  await tenantWithCounter(e2e, TENANT, []);
  const headers = {
    authorization: `Bearer ${token('bench', [TENANT], ['admin'])}`,
    'x-tenant-id': TENANT,
    'content-type': 'application/json',
  };
  const callFrom = async (capabilities: Record<string, object>): Promise<autocannon.Request> => {
    const session = await mcpSession(e2e, headers, capabilities);
    clients.push(session.client);
    return toolCall(session.headers);
  };
  const kinds = [
    { name: 'pooled upstream session (plain client)', request: await callFrom({}) },
    { name: 'own upstream session per call (client declared sampling)', request: await callFrom({ sampling: {} }) },
  ];
  const run = (request: autocannon.Request, seconds: number) =>
    new Promise<autocannon.Result>((res, rej) =>
      autocannon(
        { url: e2e.gateway.url, connections: Number(values.connections), duration: seconds, requests: [request], timeout: 10 },
        (err, r) => (err ? rej(err) : res(r)),
      ),
    );
  await run(kinds[0]!.request, 3);
  const results = new Map<string, autocannon.Result[]>();
  for (let round = 0; round < Number(values.rounds); round++) {
    for (const kind of kinds) {
      const r = await run(kind.request, Number(values.seconds));
      results.set(kind.name, [...(results.get(kind.name) ?? []), r]);
      console.error(
        JSON.stringify({ round, kind: kind.name, rps: r.requests.average, p50: r.latency.p50, p99: r.latency.p99, non2xx: r.non2xx }),
      );
    }
  }
  console.log(`\n| session | calls/s | p50 ms | p99 ms | non-2xx + errors |`);
  console.log('|---|---|---|---|---|');
  const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
  const rate = new Map<string, number>();
  for (const [name, rs] of results) {
    rate.set(name, mean(rs.map((r) => r.requests.average)));
    console.log(
      `| ${name} | ${rate.get(name)!.toFixed(0)} | ${mean(rs.map((r) => r.latency.p50)).toFixed(0)} | ${mean(rs.map((r) => r.latency.p99)).toFixed(0)} | ${rs.reduce((n, r) => n + r.non2xx + r.errors + r.timeouts, 0)} |`,
    );
  }
  console.log(`\npooled / own session: ${(rate.get(kinds[0]!.name)! / rate.get(kinds[1]!.name)!).toFixed(2)}×`);
} finally {
  for (const c of clients) await c.close().catch(() => undefined);
  await e2e.stop();
}
