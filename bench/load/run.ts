// Load profiles against the whole platform through the gateway (autocannon), several tenants,
// REST and MCP mixes, realistic token and body sizes; per-app CPU and RSS sampled from /proc.
//
//   npm run build && node dist/bench/load/run.js [--profiles steady,stress,spike] [--seconds 20]
//   node dist/bench/load/run.js --profiles soak --soak-minutes 30 --soak-rate <50% of max req/s>
//
// Boots the five apps as `npm start` does (own database and prefixes, #testing), the counter MCP
// server and the test inference backend; prints one Markdown table per profile and a JSON line.
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import autocannon from 'autocannon';
import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { token } from '../../test/e2e/platform.js';
import { bootForLoad, mcpSession, tenantWithCounter, toolCall } from './platform.js';

const { values } = parseArgs({
  options: {
    profiles: { type: 'string', default: 'steady,stress,spike' },
    seconds: { type: 'string', default: '20' },
    tenants: { type: 'string', default: '4' },
    'soak-minutes': { type: 'string', default: '30' },
    'soak-rate': { type: 'string', default: '0' },
  },
});
const SECONDS = Number(values.seconds);
const TENANTS = Array.from({ length: Number(values.tenants) }, (_, i) => `load${i}`);
const CLOCK_TICKS = 100;
const TOKEN_TTL_SEC = Math.max(900, Number(values['soak-minutes']) * 60 + 600);

interface AppSample {
  cpu: number;
  rssMiB: number;
}

/** CPU (percent of one core) and RSS of each app process, sampled once a second. */
class ResourceSampler {
  private timer?: NodeJS.Timeout;
  private intervalMs = 1_000;
  private last = new Map<number, number>();
  readonly samples = new Map<string, AppSample[]>();

  constructor(private readonly procs: Array<{ app: string; pid: number }>) {}

  private ticks(pid: number): number {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
    return Number(fields[11]) + Number(fields[12]);
  }

  private rss(pid: number): number {
    const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) / 1024 : 0;
  }

  start(intervalMs = 1_000): void {
    this.intervalMs = intervalMs;
    for (const p of this.procs) this.last.set(p.pid, this.ticks(p.pid));
    this.timer = setInterval(() => {
      for (const p of this.procs) {
        try {
          const t = this.ticks(p.pid);
          const cpu = ((t - this.last.get(p.pid)!) / CLOCK_TICKS / (intervalMs / 1000)) * 100;
          this.last.set(p.pid, t);
          const list = this.samples.get(p.app) ?? [];
          list.push({ cpu, rssMiB: this.rss(p.pid) });
          this.samples.set(p.app, list);
        } catch {
          // The process is gone; the table shows what was sampled before.
        }
      }
    }, intervalMs);
  }

  stop(): Record<
    string,
    { cpuAvg: number; cpuMax: number; rssMaxMiB: number; rssFirstMiB: number; rssLastMiB: number; rssSlopeMiBPerMin: number }
  > {
    clearInterval(this.timer);
    const out: ReturnType<ResourceSampler['stop']> = {};
    for (const [app, list] of this.samples) {
      if (!list.length) continue;
      const cpus = list.map((s) => s.cpu);
      const rss = list.map((s) => s.rssMiB);
      out[app] = {
        cpuAvg: cpus.reduce((a, b) => a + b, 0) / cpus.length,
        cpuMax: Math.max(...cpus),
        rssMaxMiB: Math.max(...rss),
        rssFirstMiB: rss[0]!,
        rssLastMiB: rss.at(-1)!,
        rssSlopeMiBPerMin: slope(rss) * (60_000 / this.intervalMs),
      };
    }
    return out;
  }
}

/** Least-squares slope per sample (samples are one interval apart). */
function slope(ys: number[]): number {
  const n = ys.length;
  if (n < 2) return 0;
  const mx = (n - 1) / 2;
  const my = ys.reduce((a, b) => a + b, 0) / n;
  let num = 0;
  let den = 0;
  ys.forEach((y, x) => {
    num += (x - mx) * (y - my);
    den += (x - mx) ** 2;
  });
  return num / den;
}

interface Mix {
  name: string;
  requests: autocannon.Request[];
}

function run(
  url: string,
  connections: number,
  seconds: number,
  requests: autocannon.Request[],
  overallRate?: number,
): Promise<autocannon.Result> {
  return new Promise((res, rej) => {
    autocannon({ url, connections, duration: seconds, requests, timeout: 10, ...(overallRate ? { overallRate } : {}) }, (err, result) =>
      err ? rej(err) : res(result),
    );
  });
}

function summarise(profile: string, mix: string, connections: number, r: autocannon.Result) {
  const total = r.requests.total + r.errors + r.timeouts;
  const failed = r.non2xx + r.errors + r.timeouts;
  return {
    profile,
    mix,
    connections,
    rps: Math.round(r.requests.average),
    p50: r.latency.p50,
    p95: percentile95(r),
    p99: r.latency.p99,
    max: r.latency.max,
    total,
    errorRate: total ? failed / total : 0,
    statuses: { '2xx': r['2xx'], '4xx': r['4xx'], '5xx': r['5xx'], errors: r.errors, timeouts: r.timeouts },
  };
}

/** autocannon reports p90 and p97.5, not p95: interpolate between them. */
function percentile95(r: autocannon.Result): number {
  const l = r.latency as unknown as Record<string, number>;
  return Math.round((l['p90']! + ((l['p97_5']! - l['p90']!) * 5) / 7.5) * 10) / 10;
}

const e2e = await bootForLoad();
const clients: Client[] = [];
try {
  const restRequests: autocannon.Request[] = [];
  const mcpRequests: autocannon.Request[] = [];
  for (const tenant of TENANTS) {
    await tenantWithCounter(e2e, tenant, ['ml_inference']);
    // A token as an IdP issues it: several roles and tenants, about 700 bytes.
    // Valid for the whole run: a token expiring mid-soak turns the rest of it into 401s.
    const jwt = token(
      `user-${tenant}-0123456789abcdef`,
      [tenant, 'shared-a', 'shared-b'],
      ['admin', 'member', 'reader', 'ops'],
      TOKEN_TTL_SEC,
    );
    const headers = { authorization: `Bearer ${jwt}`, 'x-tenant-id': tenant, 'content-type': 'application/json' };
    const jobBody = JSON.stringify({
      model: 'llama-3.2-3b',
      messages: [
        { role: 'system', content: 'You are terse.'.repeat(20) },
        { role: 'user', content: 'Summarise this. '.repeat(60) },
      ],
      maxOutputTokens: 16,
    });
    restRequests.push(
      { method: 'GET', path: '/v1/ping', headers },
      { method: 'GET', path: '/v1/tools', headers },
      { method: 'GET', path: '/v1/workflows', headers },
      { method: 'POST', path: '/v1/jobs', headers, body: jobBody },
    );
    const session = await mcpSession(e2e, headers);
    clients.push(session.client);
    mcpRequests.push(toolCall(session.headers), {
      method: 'POST',
      path: '/mcp',
      headers: session.headers,
      body: JSON.stringify({ jsonrpc: '2.0', id: 2, method: 'tools/list' }),
    });
  }
  const mixes: Mix[] = [
    { name: 'REST', requests: restRequests },
    { name: 'MCP', requests: mcpRequests },
    { name: 'REST+MCP', requests: restRequests.flatMap((r, i) => [r, mcpRequests[i % mcpRequests.length]!]) },
  ];
  const sampler = () => new ResourceSampler(e2e.procs.map((p) => ({ app: p.app, pid: p.pid })));
  const url = e2e.gateway.url;
  const rows: unknown[] = [];
  // Open the connections and warm the caches first (MEASURED.md: the first seconds inflate p99).
  await run(url, 64, 3, mixes[2]!.requests);

  for (const profile of values.profiles.split(',')) {
    if (profile === 'soak') {
      const rate = Number(values['soak-rate']);
      if (!rate) throw new Error('--soak-rate (50% of the measured maximum req/s) is required for the soak');
      const s = sampler();
      s.start(10_000);
      const r = await run(url, 64, Number(values['soak-minutes']) * 60, mixes[2]!.requests, rate);
      rows.push({ ...summarise('soak', 'REST+MCP', 64, r), apps: s.stop() });
      continue;
    }
    const shapes: Record<string, Array<[number, number]>> = {
      steady: [[32, SECONDS]],
      stress: [[256, SECONDS]],
      // Quiet, then a burst of ten times the connections, then quiet again: the table reports the burst.
      spike: [
        [16, 5],
        [500, Math.max(5, SECONDS / 2)],
        [16, 5],
      ],
    };
    for (const mix of mixes) {
      const s = sampler();
      s.start();
      let reported: ReturnType<typeof summarise> | undefined;
      for (const [connections, seconds] of shapes[profile]!) {
        const r = await run(url, connections, seconds, mix.requests);
        const row = summarise(profile, mix.name, connections, r);
        if (!reported || connections > reported.connections) reported = row;
      }
      rows.push({ ...reported!, apps: s.stop() });
      console.error(JSON.stringify(rows.at(-1)));
    }
  }

  console.log('\n| profile | mix | conns | req/s | p50 ms | p95 ms | p99 ms | max ms | error rate | 2xx / 4xx / 5xx / err / timeout |');
  console.log('|---|---|---|---|---|---|---|---|---|---|');
  for (const row of rows as Array<ReturnType<typeof summarise>>) {
    const st = row.statuses;
    console.log(
      `| ${row.profile} | ${row.mix} | ${row.connections} | ${row.rps} | ${row.p50} | ${row.p95} | ${row.p99} | ${row.max} | ${(row.errorRate * 100).toFixed(2)}% | ${st['2xx']} / ${st['4xx']} / ${st['5xx']} / ${st.errors} / ${st.timeouts} |`,
    );
  }
  console.log('\n| profile | mix | app | CPU avg % | CPU max % | RSS max MiB | RSS slope MiB/min |');
  console.log('|---|---|---|---|---|---|---|');
  for (const row of rows as Array<ReturnType<typeof summarise> & { apps: ReturnType<ResourceSampler['stop']> }>) {
    for (const [app, a] of Object.entries(row.apps)) {
      console.log(
        `| ${row.profile} | ${row.mix} | ${app} | ${a.cpuAvg.toFixed(0)} | ${a.cpuMax.toFixed(0)} | ${a.rssMaxMiB.toFixed(0)} | ${a.rssSlopeMiBPerMin.toFixed(2)} |`,
      );
    }
  }
  console.log(JSON.stringify({ at: new Date().toISOString(), rows }));
} finally {
  for (const c of clients) await c.close().catch(() => undefined);
  await e2e.stop();
}
