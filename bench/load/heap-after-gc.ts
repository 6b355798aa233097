// Is memory retained, or is the heap just large? Drives a mix of inference jobs, tool listings, MCP
// tool calls and pings through the whole platform at a fixed rate and, every 20 s, has the
// orchestrator run a full GC and report the heap still live after it (bench/load/gc-probe.ts).
// A leak shows as live heap growing with the work done; a lazy GC only as RSS growing.
//
//   npm run build && node dist/bench/load/heap-after-gc.js [--seconds 360] [--rate 200]
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import autocannon from 'autocannon';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { E2EPlatform, token } from '../../test/e2e/platform.js';

const { values } = parseArgs({ options: { seconds: { type: 'string', default: '360' }, rate: { type: 'string', default: '200' } } });
const SECONDS = Number(values.seconds);
const TENANT = 'heap';
const logFile = join(mkdtempSync(join(tmpdir(), 'heap-probe-')), 'orchestrator.jsonl');

const e2e = await E2EPlatform.boot({
  env: {
    'mcp-gateway': { RATE_LIMIT_CLIENT_PER_MIN: '10000000', RATE_LIMIT_TENANT_PER_MIN: '10000000' },
    'mcp-orchestrator-api': { NODE_OPTIONS: `--import=${resolve(import.meta.dirname, 'gc-probe.js')}`, HEAP_PROBE_LOG: logFile },
  },
});
let client: Client | undefined;
try {
  await e2e.onboard(TENANT, ['ml_inference'], 100_000_000);
  await e2e.admin(
    'orchestrator.server.register',
    { tenantId: TENANT, principalId: 'loader', roles: ['admin'], server: 'counter', url: e2e.counter!.url },
    30_000,
  );
  const headers = {
    authorization: `Bearer ${token('heap', [TENANT], ['admin'], SECONDS + 600)}`,
    'x-tenant-id': TENANT,
    'content-type': 'application/json',
  };
  client = new Client({ name: 'heap', version: '1' });
  const transport = new StreamableHTTPClientTransport(new URL('/mcp', e2e.gateway.url), { requestInit: { headers } });
  await client.connect(transport);
  const mcpHeaders = {
    ...headers,
    accept: 'application/json, text/event-stream',
    'mcp-session-id': transport.sessionId!,
    'mcp-protocol-version': '2025-11-25',
  };
  const requests: autocannon.Request[] = [
    {
      method: 'POST',
      path: '/v1/jobs',
      headers,
      body: JSON.stringify({ model: 'llama-3.2-3b', messages: [{ role: 'user', content: 'hi '.repeat(50) }], maxOutputTokens: 16 }),
    },
    { method: 'GET', path: '/v1/tools', headers },
    {
      method: 'POST',
      path: '/mcp',
      headers: mcpHeaders,
      body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'tools/call', params: { name: 'counter__add', arguments: { a: 1, b: 2 } } }),
    },
    { method: 'GET', path: '/v1/ping', headers },
  ];
  const orchestrator = e2e.procs.find((p) => p.app === 'mcp-orchestrator-api')!;
  const probe = () => process.kill(orchestrator.pid, 'SIGUSR2');
  probe();
  const timer = setInterval(probe, 20_000);
  const result = await new Promise<autocannon.Result>((res, rej) =>
    autocannon({ url: e2e.gateway.url, connections: 32, duration: SECONDS, requests, overallRate: Number(values.rate) }, (err, r) =>
      err ? rej(err) : res(r),
    ),
  );
  clearInterval(timer);
  probe();
  await new Promise((r) => setTimeout(r, 2_000));
  const samples = readFileSync(logFile, 'utf8')
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as { at: number; heapUsedMiB: number; rssMiB: number });
  console.log(`${result.requests.total} requests at ${result.requests.average.toFixed(0)} req/s, ${result.non2xx + result.errors} failed`);
  console.log('\n| minute | live heap after full GC, MiB | RSS after it, MiB |\n|---|---|---|');
  for (const s of samples) console.log(`| ${((s.at - samples[0]!.at) / 60_000).toFixed(1)} | ${s.heapUsedMiB} | ${s.rssMiB} |`);
} finally {
  await client?.close().catch(() => undefined);
  await e2e.stop();
}
