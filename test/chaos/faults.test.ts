import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync, mkdirSync } from 'node:fs';
import { resolve } from 'node:path';
import type { AppName } from '#contracts';
import { eventually, TcpProxy, type AppProcess } from '#testing';
import { bearer, E2EPlatform, token } from '../e2e/platform.js';
import { processEnvironment } from '#env';

/**
 * Faults under a steady load, on the whole platform: kill -9 of each app in turn, then outages of
 * NATS, Postgres and Redis simulated with a TcpProxy in front of each (the real servers are shared
 * with other test runs and are never stopped). For each fault: what clients saw, how long until
 * the platform answered again, and that every accepted workflow run and job finished exactly once.
 * Writes the table to dist/chaos-results.json for docs/RELIABILITY.md.
 */
const OUTAGE_MS = Number(processEnvironment()['CHAOS_OUTAGE_MS'] ?? 10_000);
const REDIS_OUTAGE_MS = Number(processEnvironment()['CHAOS_REDIS_OUTAGE_MS'] ?? 30_000);
const CLIENT_TIMEOUT_MS = 8_000;
const TENANT = 'chaosco';

interface Sample {
  at: number;
  kind: 'read' | 'run' | 'job';
  status: number;
  code: string;
  ms: number;
}

interface FaultResult {
  fault: string;
  /** Answers the load got from the fault's start until recovery, by "status code". */
  seen: Record<string, number>;
  unclean: number;
  hangs: number;
  /** From the fault's start until a request through the whole path succeeds again. */
  unavailableMs: number;
  /** From the fault's end (dependency back, app restarted and ready) until then. */
  recoveryMs: number;
}

describe('chaos: faults under steady load', () => {
  let e2e: E2EPlatform;
  const proxies: Record<'nats' | 'postgres' | 'redis', TcpProxy> = {
    nats: new TcpProxy('127.0.0.1', 4222),
    postgres: new TcpProxy('127.0.0.1', 5432),
    redis: new TcpProxy('127.0.0.1', 6379),
  };
  const jwt = token('loader', [TENANT], ['admin']);
  const samples: Sample[] = [];
  const acceptedRuns = new Set<string>();
  const acceptedJobs = new Set<string>();
  const results: FaultResult[] = [];
  const live = new Map<AppName, AppProcess>();
  let running = true;
  let stoppedAt = 0;
  /** Submissions accepted only on a retry with their Idempotency-Key. */
  let retriedAccepted = 0;
  let loops: Promise<void>[] = [];

  const tuning = {
    STEP_ACK_WAIT_MS: '3000',
    RATE_LIMIT_CLIENT_PER_MIN: '10000000',
    DOWNSTREAM_TIMEOUT_MS: '3000',
    BREAKER_OPEN_MS: '2000',
  };

  before(async () => {
    for (const p of Object.values(proxies)) await p.start();
    e2e = await E2EPlatform.boot({
      dependencies: (databaseUrl) => {
        const db = new URL(databaseUrl);
        db.port = String(proxies.postgres.port);
        return {
          NATS_URL: `nats://127.0.0.1:${proxies.nats.port}`,
          DATABASE_URL: db.toString(),
          REDIS_URL: `redis://127.0.0.1:${proxies.redis.port}`,
          ...tuning,
        };
      },
    });
    for (const proc of e2e.procs) live.set(proc.app, proc);
    await e2e.onboard(TENANT, ['ml_inference'], 10_000_000);
    await e2e.admin(
      'orchestrator.server.register',
      { tenantId: TENANT, principalId: 'loader', roles: ['admin'], server: 'counter', url: e2e.counter!.url },
      30_000,
    );
    await e2e.admin('orchestrator.workflow.create', {
      tenantId: TENANT,
      principalId: 'loader',
      roles: ['admin'],
      name: 'count-once',
      definition: {
        steps: [{ id: 'count', kind: 'tool', tool: { server: 'counter', name: 'count' }, input: { label: { $ref: 'input.label' } } }],
      },
    });
    loops = [0, 1, 2, 3].map((i) => loop(i));
  });

  after(async () => {
    stop();
    await Promise.all(loops);
    const out = resolve(import.meta.dirname, '../../chaos-results.json');
    mkdirSync(resolve(out, '..'), { recursive: true });
    writeFileSync(
      out,
      JSON.stringify(
        {
          at: new Date().toISOString(),
          outageMs: OUTAGE_MS,
          redisOutageMs: REDIS_OUTAGE_MS,
          results,
          acceptedRuns: acceptedRuns.size,
          acceptedJobs: acceptedJobs.size,
          acceptedOnRetry: retriedAccepted,
        },
        null,
        2,
      ),
    );
    console.log(JSON.stringify(results));
    for (const proc of live.values()) await proc.kill().catch(() => undefined);
    await e2e?.stop();
    for (const p of Object.values(proxies)) await p.stop();
  });

  const gatewayUrl = () => live.get('mcp-gateway')!.url;
  const stop = () => {
    if (running) stoppedAt = Date.now();
    running = false;
  };

  /**
   * One client of the steady load: reads, workflow runs and jobs, each answer recorded. Like a
   * careful client, it sends every submission with an Idempotency-Key and, when the answer was not
   * a 202 (error, refused connection, timeout), sends the same submission again until it is
   * accepted, also after the load is stopped.
   */
  async function loop(worker: number): Promise<void> {
    let n = 0;
    let unanswered: { kind: 'run' | 'job'; body: object; key: string } | undefined;
    const giveUpAt = () => (running ? Infinity : stoppedAt + 60_000);
    while (running || (unanswered && Date.now() < giveUpAt())) {
      n++;
      const kind: Sample['kind'] = unanswered?.kind ?? (n % 5 === 0 ? 'job' : n % 2 === 0 ? 'run' : 'read');
      const submission =
        kind === 'read'
          ? undefined
          : (unanswered ?? {
              kind,
              key: `chaos-${worker}-${n}`,
              body:
                kind === 'run'
                  ? { input: { label: `w${worker}-${n}` } }
                  : { model: 'llama-3.2-3b', messages: [{ role: 'user', content: `job ${worker}-${n}` }], maxOutputTokens: 8 },
            });
      const started = Date.now();
      let status = 0;
      let code = '';
      try {
        const url = kind === 'read' ? '/v1/ping' : kind === 'run' ? '/v1/workflows/count-once/runs' : '/v1/jobs';
        const res = await fetch(`${gatewayUrl()}${url}`, {
          method: submission ? 'POST' : 'GET',
          headers: {
            ...bearer(jwt, TENANT),
            ...(submission ? { 'content-type': 'application/json', 'idempotency-key': submission.key } : {}),
          },
          ...(submission ? { body: JSON.stringify(submission.body) } : {}),
          signal: AbortSignal.timeout(CLIENT_TIMEOUT_MS),
        });
        status = res.status;
        const text = await res.text();
        try {
          const json = JSON.parse(text) as { id?: string; error?: { code: string } };
          if (status === 202 && json.id) {
            const accepted = kind === 'run' ? acceptedRuns : acceptedJobs;
            if (unanswered) retriedAccepted++;
            accepted.add(json.id);
          }
          code = json.error?.code ?? 'ok';
        } catch {
          code = 'non-json';
        }
      } catch (err) {
        code = (err as Error).name === 'TimeoutError' ? 'client-timeout' : 'connection-error';
      }
      unanswered = submission && status !== 202 ? submission : undefined;
      samples.push({ at: started, kind, status, code, ms: Date.now() - started });
      await new Promise((r) => setTimeout(r, 20));
    }
  }

  /** A fresh process of the app with the environment it booted with (the same port for the gateway). */
  async function restart(app: AppName, port?: number): Promise<void> {
    live.set(app, await e2e.restart(app, port ? { HTTP_PORT: String(port) } : {}));
  }

  /** Runs one fault and summarises what the clients saw from its start until the platform is healthy again. */
  async function fault(name: string, inject: () => Promise<void>, heal: () => Promise<void>): Promise<FaultResult> {
    const start = Date.now();
    await inject();
    await heal();
    const healed = Date.now();
    // Recovered: a read through the whole path succeeds and a run is accepted again.
    await eventually(
      async () => {
        const res = await fetch(`${gatewayUrl()}/v1/ping`, { headers: bearer(jwt, TENANT), signal: AbortSignal.timeout(2_000) });
        return res.status === 200;
      },
      60_000,
      100,
    );
    const recovered = Date.now();
    await new Promise((r) => setTimeout(r, 500));
    const window = samples.filter((s) => s.at >= start);
    const seen: Record<string, number> = {};
    for (const s of window) seen[`${s.status} ${s.code}`] = (seen[`${s.status} ${s.code}`] ?? 0) + 1;
    // Clean: a 2xx, or a typed 503/504/429 JSON error; a dead gateway process can only refuse connections.
    const clean = (s: Sample) =>
      (s.status >= 200 && s.status < 300) ||
      ([429, 503, 504].includes(s.status) && s.code !== 'non-json') ||
      (name.includes('gateway') && s.code === 'connection-error');
    const result: FaultResult = {
      fault: name,
      seen,
      unclean: window.filter((s) => !clean(s)).length,
      hangs: window.filter((s) => s.code === 'client-timeout').length,
      unavailableMs: recovered - start,
      recoveryMs: recovered - healed,
    };
    results.push(result);
    return result;
  }

  const pause = (ms: number) => new Promise((r) => setTimeout(r, ms));

  for (const app of ['mcp-orchestrator-api', 'mcp-config', 'mcp-policy-proxy', 'mcp-tracehub', 'mcp-gateway'] as AppName[]) {
    it(`kill -9 ${app}: clients see clean errors and the platform recovers after a restart`, async () => {
      await pause(1_500);
      const port = app === 'mcp-gateway' ? live.get(app)!.port : undefined;
      const r = await fault(
        `kill -9 ${app}`,
        async () => {
          await live.get(app)!.kill();
          await pause(3_000);
        },
        () => restart(app, port),
      );
      assert.equal(r.unclean, 0, JSON.stringify(r.seen));
      assert.equal(r.hangs, 0, JSON.stringify(r.seen));
    });
  }

  for (const dep of ['nats', 'postgres'] as const) {
    it(`${dep} unreachable for ${OUTAGE_MS / 1000} s: clean errors, then recovery without restarts`, async () => {
      await pause(1_500);
      const r = await fault(
        `${dep} outage ${OUTAGE_MS / 1000} s`,
        async () => {
          await proxies[dep].stop();
          await pause(OUTAGE_MS);
        },
        async () => {
          await proxies[dep].start();
        },
      );
      assert.equal(r.unclean, 0, JSON.stringify(r.seen));
      assert.equal(r.hangs, 0, JSON.stringify(r.seen));
    });
  }

  it(`redis unreachable for ${REDIS_OUTAGE_MS / 1000} s: rate limiting fails open, requests keep being served`, async () => {
    await pause(1_500);
    const r = await fault(
      `redis outage ${REDIS_OUTAGE_MS / 1000} s`,
      async () => {
        await proxies.redis.stop();
        await pause(REDIS_OUTAGE_MS);
      },
      async () => {
        await proxies.redis.start();
      },
    );
    assert.equal(r.unclean, 0, JSON.stringify(r.seen));
    assert.equal(r.hangs, 0, JSON.stringify(r.seen));
  });

  it('lost and duplicated nothing it accepted: every run and job finished, each run counted once', async () => {
    stop();
    await Promise.all(loops);
    assert.ok(acceptedRuns.size > 0 && acceptedJobs.size > 0);
    type Outcome = { status: string; error: unknown; steps?: Array<{ output: unknown; attempts: Array<{ status: string }> }> };
    // One deadline for all: what is still not terminal then is reported with its last state.
    const deadline = Date.now() + 60_000;
    const terminal = async (path: string): Promise<Outcome> => {
      for (;;) {
        const res = await fetch(`${gatewayUrl()}${path}`, { headers: bearer(jwt, TENANT) });
        const body = (await res.json()) as Outcome;
        if (['succeeded', 'failed', 'cancelled'].includes(body.status) || Date.now() > deadline) return body;
        await new Promise((r) => setTimeout(r, 200));
      }
    };
    const notSucceeded: string[] = [];
    const completionKeys = new Set<string>();
    let doubleSuccess = 0;
    for (const id of acceptedRuns) {
      const run = await terminal(`/v1/runs/${id}`);
      if (run.status !== 'succeeded') notSucceeded.push(`run ${id} ${run.status} ${JSON.stringify(run.error ?? run.steps)}`);
      for (const step of run.steps ?? []) {
        if (step.attempts.filter((a) => a.status === 'succeeded').length > 1) doubleSuccess++;
        const key = (step.output as { key?: string } | null)?.key;
        if (key) completionKeys.add(key);
      }
    }
    for (const id of acceptedJobs) {
      const job = await terminal(`/v1/jobs/${id}`);
      if (job.status !== 'succeeded') notSucceeded.push(`job ${id} ${job.status} ${JSON.stringify(job.error)}`);
    }
    const stats = (await (await fetch(`http://127.0.0.1:${e2e.counter!.port}/admin/stats`)).json()) as {
      completions: Record<string, number>;
    };
    const unacknowledged = Object.keys(stats.completions).length - completionKeys.size;
    console.log(
      `chaos: ${acceptedRuns.size} runs and ${acceptedJobs.size} jobs accepted (${retriedAccepted} only on a retry with their Idempotency-Key); ${Object.keys(stats.completions).length} tool completions, ${unacknowledged} of them for runs no client holds an id of; not succeeded: ${JSON.stringify(notSucceeded)}`,
    );
    assert.deepEqual(notSucceeded, []);
    assert.equal(doubleSuccess, 0);
    // The counter completes once per idempotency key: each accepted run has its own completion, done once.
    assert.equal(completionKeys.size, acceptedRuns.size);
    for (const key of completionKeys) assert.equal(stats.completions[key], 1, key);
    // Clients retried every unanswered submission with its key, so no run exists that no client knows of.
    assert.equal(unacknowledged, 0, 'a run was created that no client got the id of');
  });
});
