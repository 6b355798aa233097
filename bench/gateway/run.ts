// Gateway benchmark: the REST hot path and MCP tools/call through the real gateway, against a bare
// Fastify hello in the same run, all measured with the same wrk invocation.
//
//   npm run build && node dist/bench/gateway/run.js [--duration 10] [--connections 64]
//
// Boots mcp-config, mcp-policy-proxy and mcp-orchestrator-api plus one gateway (test namespace,
// own database), onboards a tenant, then for each target: opens the connections (warm-up run, not
// measured, so connection setup does not inflate p99), then measures. Prints a Markdown table.
import { spawn, execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { mintDevToken } from '#auth';
import { NatsTestClient, TestPlatform } from '#testing';

const { values } = parseArgs({ options: { duration: { type: 'string', default: '10' }, connections: { type: 'string', default: '64' } } });
const SECRET = 'benchmark-secret-0123456789abcdef0123';
const ISSUER = 'bench-issuer';
const AUDIENCE = 'mcp-platform';
const ROOT = resolve(import.meta.dirname, '../../..');

interface Result {
  target: string;
  rps: number;
  p50: number;
  p99: number;
  non2xx: number;
}

function ms(value: string): number {
  const m = /^([\d.]+)(us|ms|s)$/.exec(value.trim());
  if (!m) return Number.NaN;
  const n = Number(m[1]);
  return m[2] === 'us' ? n / 1000 : m[2] === 's' ? n * 1000 : n;
}

function wrk(target: string, url: string, script: string | undefined, seconds: string): Result {
  const args = ['-t1', `-c${values.connections}`, `-d${seconds}s`, '--latency', ...(script ? ['-s', script] : []), url];
  const out = execFileSync('wrk', args, { encoding: 'utf8' });
  const rps = Number(/Requests\/sec:\s+([\d.]+)/.exec(out)?.[1]);
  const p50 = ms(/\s50%\s+(\S+)/.exec(out)?.[1] ?? '');
  const p99 = ms(/\s99%\s+(\S+)/.exec(out)?.[1] ?? '');
  const non2xx = Number(/Non-2xx or 3xx responses:\s+(\d+)/.exec(out)?.[1] ?? 0);
  return { target, rps, p50, p99, non2xx };
}

function luaScript(dir: string, name: string, method: string, headers: Record<string, string>, body?: string): string {
  const lines = [`wrk.method = "${method}"`];
  for (const [k, v] of Object.entries(headers)) lines.push(`wrk.headers["${k}"] = "${v}"`);
  if (body) lines.push(`wrk.body = [[${body}]]`);
  const path = join(dir, name);
  writeFileSync(path, `${lines.join('\n')}\n`);
  return path;
}

async function startBareFastify(): Promise<{ url: string; stop(): void }> {
  const child = spawn(process.execPath, [join(ROOT, 'dist/bench/gateway/bare-fastify.js')], { stdio: ['ignore', 'pipe', 'inherit'] });
  const port = await new Promise<number>((res) => {
    let out = '';
    child.stdout!.on('data', (c: Buffer) => {
      out += c.toString();
      const m = /"listening":(\d+)/.exec(out);
      if (m) res(Number(m[1]));
    });
  });
  return { url: `http://127.0.0.1:${port}/hello`, stop: () => child.kill('SIGTERM') };
}

const platform = await TestPlatform.create();
const bare = await startBareFastify();
try {
  await platform.startAll(['mcp-config', 'mcp-policy-proxy', 'mcp-orchestrator-api']);
  const nats = await NatsTestClient.connect(platform.namespace.subjectPrefix);
  const onboarded = await nats.request('config.tenant.onboard', {
    tenantId: 'bench',
    name: 'bench',
    features: ['ml_inference'],
    limits: { requests_per_minute: 10_000_000, concurrent_contexts: 10 },
    actor: 'bench',
  });
  if ('error' in onboarded) throw new Error(JSON.stringify(onboarded.error));
  await nats.close();
  const gateway = await platform.start('mcp-gateway', {
    AUTH_HS256_SECRET: SECRET,
    AUTH_ISSUER: ISSUER,
    AUTH_AUDIENCE: AUDIENCE,
    RATE_LIMIT_CLIENT_PER_MIN: '10000000',
    POLICY_CACHE_TTL_MS: '60000',
  });
  const token = mintDevToken({
    secret: SECRET,
    issuer: ISSUER,
    audience: AUDIENCE,
    subject: 'bench',
    tenants: ['bench'],
    roles: ['admin'],
    ttlSec: 3600,
  });
  const headers = { Authorization: `Bearer ${token}`, 'X-Tenant-ID': 'bench' };

  // One MCP session, as a client would hold it; every measured request is a tools/call in it.
  const mcpHeaders = { ...headers, 'Content-Type': 'application/json', Accept: 'application/json, text/event-stream' };
  const init = await fetch(`${gateway.url}/mcp`, {
    method: 'POST',
    headers: mcpHeaders,
    body: JSON.stringify({
      jsonrpc: '2.0',
      id: 0,
      method: 'initialize',
      params: { protocolVersion: '2025-11-25', capabilities: {}, clientInfo: { name: 'bench', version: '1' } },
    }),
  });
  const sessionId = init.headers.get('mcp-session-id');
  if (init.status !== 200 || !sessionId) throw new Error(`initialize failed: ${init.status} ${await init.text()}`);
  const call = JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'tools/call', params: { name: 'list_tools', arguments: {} } });
  const probe = await fetch(`${gateway.url}/mcp`, {
    method: 'POST',
    headers: { ...mcpHeaders, 'Mcp-Session-Id': sessionId, 'MCP-Protocol-Version': '2025-11-25' },
    body: call,
  });
  if (probe.status !== 200) throw new Error(`tools/call failed: ${probe.status} ${await probe.text()}`);
  const ping = await fetch(`${gateway.url}/v1/ping`, { headers });
  if (ping.status !== 200) throw new Error(`/v1/ping failed: ${ping.status} ${await ping.text()}`);

  const dir = mkdtempSync(join(tmpdir(), 'gw-bench-'));
  const restScript = luaScript(dir, 'rest.lua', 'GET', headers);
  const mcpScript = luaScript(
    dir,
    'mcp.lua',
    'POST',
    { ...mcpHeaders, 'Mcp-Session-Id': sessionId, 'MCP-Protocol-Version': '2025-11-25' },
    call,
  );

  const results: Result[] = [];
  for (const [target, url, script] of [
    ['bare Fastify hello', bare.url, undefined],
    ['gateway REST GET /v1/ping', `${gateway.url}/v1/ping`, restScript],
    ['gateway MCP tools/call list_tools', `${gateway.url}/mcp`, mcpScript],
  ] as const) {
    wrk(target, url, script, '3');
    results.push(wrk(target, url, script, values.duration));
  }
  const base = results[0]!.rps;
  const lines = [
    `| target | req/s | p50 ms | p99 ms | vs bare Fastify | non-2xx |`,
    `|---|---|---|---|---|---|`,
    ...results.map(
      (r) =>
        `| ${r.target} | ${Math.round(r.rps)} | ${r.p50.toFixed(2)} | ${r.p99.toFixed(2)} | ${((r.rps / base) * 100).toFixed(1)}% | ${r.non2xx} |`,
    ),
  ];
  process.stdout.write(`${lines.join('\n')}\n`);
} finally {
  bare.stop();
  await platform.stop();
}
