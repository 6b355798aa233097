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
import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { token } from '../../test/e2e/platform.js';
import { bootForLoad, mcpSession, tenantWithCounter, toolCall } from './platform.js';

const { values } = parseArgs({ options: { seconds: { type: 'string', default: '360' }, rate: { type: 'string', default: '200' } } });
const SECONDS = Number(values.seconds);
const TENANT = 'heap';
const logFile = join(mkdtempSync(join(tmpdir(), 'heap-probe-')), 'orchestrator.jsonl');

const e2e = await bootForLoad({
  'mcp-orchestrator-api': { NODE_OPTIONS: `--import=${resolve(import.meta.dirname, 'gc-probe.js')}`, HEAP_PROBE_LOG: logFile },
});
let client: Client | undefined;
try {
  await tenantWithCounter(e2e, TENANT, ['ml_inference']);
  const headers = {
    authorization: `Bearer ${token('heap', [TENANT], ['admin'], SECONDS + 600)}`,
    'x-tenant-id': TENANT,
    'content-type': 'application/json',
  };
  const session = await mcpSession(e2e, headers);
  client = session.client;
  const requests: autocannon.Request[] = [
    {
      method: 'POST',
      path: '/v1/jobs',
      headers,
      body: JSON.stringify({ model: 'llama-3.2-3b', messages: [{ role: 'user', content: 'hi '.repeat(50) }], maxOutputTokens: 16 }),
    },
    { method: 'GET', path: '/v1/tools', headers },
    toolCall(session.headers),
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
