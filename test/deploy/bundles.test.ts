// Boots each app's bundle (npm run build:<app>) laid out as the image lays it out: /app/main.mjs with
// its chunks, /app/migrate/main.mjs, and node_modules beside them; no dist/, no package.json
// "imports". Real Postgres, Redis and NATS; tracing on, exporting to a local OTLP receiver.
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { cpSync, mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { processEnvironment } from '#env';
import { TestPlatform } from '#testing';
import { APPS, ROOT } from './manifests.js';

function buildBundle(name: string): void {
  const result = spawnSync(process.execPath, ['scripts/build-bundle.mjs', name], { cwd: ROOT, encoding: 'utf8' });
  assert.equal(result.status, 0, `bundling ${name} failed: ${result.stderr}`);
}

interface Run {
  code: number | null;
  output: string;
}

describe('app bundles boot as the images run them', () => {
  let platform: TestPlatform;
  let imageRoot: string;
  let otlp: Server;
  let otlpUrl: string;
  const exported: string[] = [];

  before(async () => {
    imageRoot = mkdtempSync(join(tmpdir(), 'mcp-images-'));
    buildBundle('migrate');
    for (const app of APPS) {
      buildBundle(app);
      const dir = join(imageRoot, app);
      cpSync(resolve(ROOT, 'dist/bundle', app), dir, { recursive: true });
      cpSync(resolve(ROOT, 'dist/bundle/migrate'), join(dir, 'migrate'), { recursive: true });
      symlinkSync(resolve(ROOT, 'node_modules'), join(dir, 'node_modules'), 'dir');
    }
    otlp = createServer((req, res) => {
      let body = '';
      req.on('data', (c: Buffer) => (body += c.toString()));
      req.on('end', () => {
        if (req.url === '/v1/traces') exported.push(body);
        // Doubles as the gateway's identity provider: production verifies tokens against a JWKS.
        res.writeHead(200, { 'content-type': 'application/json' }).end(req.url === '/jwks' ? '{"keys":[]}' : '{}');
      });
    });
    await new Promise<void>((r) => otlp.listen(0, '127.0.0.1', r));
    otlpUrl = `http://127.0.0.1:${(otlp.address() as AddressInfo).port}`;
    platform = await TestPlatform.create();
  });

  after(async () => {
    await platform?.stop();
    otlp?.close();
    if (imageRoot) rmSync(imageRoot, { recursive: true, force: true });
  });

  const environment = (extra: Record<string, string>) => ({
    PATH: processEnvironment().PATH ?? '/usr/bin:/bin',
    NODE_ENV: 'production',
    LOG_LEVEL: 'info',
    HTTP_PORT: '0',
    NATS_URL: 'nats://127.0.0.1:4222',
    REDIS_URL: 'redis://127.0.0.1:6379',
    OTEL_EXPORTER_OTLP_ENDPOINT: otlpUrl,
    SHUTDOWN_TIMEOUT_MS: '5000',
    // Production refuses mcp-config's development keys; tracehub's extra listeners must not take fixed ports.
    CONFIG_KEK: randomBytes(32).toString('base64'),
    API_KEY_PEPPER: randomBytes(24).toString('hex'),
    OTLP_PORT: '0',
    ADMIN_PORT: '0',
    AUTH_JWKS_URL: `${otlpUrl}/jwks`,
    // The orchestrator reads the node pools the cluster mounts at /etc/mcp/pools.yaml.
    SCHEDULER_POOLS_FILE: resolve(ROOT, 'deploy/base/mcp-orchestrator-api/pools.yaml'),
    ...platform.env(),
    ...extra,
  });

  test('the migration bundle applies every app’s migrations to an empty database', async () => {
    const child = spawn(process.execPath, ['migrate/main.mjs'], { cwd: join(imageRoot, 'mcp-config'), env: environment({}) });
    let output = '';
    child.stdout.on('data', (c: Buffer) => (output += c.toString()));
    child.stderr.on('data', (c: Buffer) => (output += c.toString()));
    const code = await new Promise<number | null>((r) => child.once('exit', r));
    assert.equal(code, 0, output);
    for (const app of ['mcp-config', 'mcp-policy-proxy', 'mcp-orchestrator-api', 'mcp-tracehub'])
      assert.match(output, new RegExp(`${app}: (applied|up to date)`));
  });

  for (const app of APPS) {
    test(`${app}: ready, live, started, serves metrics, exports traces, and exits 0 on SIGTERM`, async () => {
      const child = spawn(process.execPath, ['--enable-source-maps', 'main.mjs'], { cwd: join(imageRoot, app), env: environment({}) });
      let output = '';
      const exit = new Promise<Run>((r) => child.once('exit', (code) => r({ code, output })));
      const port = await new Promise<number>((res, rej) => {
        const timer = setTimeout(() => rej(new Error(`${app} was not ready in 120 s:\n${output.slice(-3000)}`)), 120_000);
        const onData = (c: Buffer) => {
          output += c.toString();
          const m = /"msg":"ready","httpPort":(\d+)/.exec(output);
          if (m) {
            clearTimeout(timer);
            res(Number(m[1]));
          }
        };
        child.stdout.on('data', onData);
        child.stderr.on('data', onData);
        void exit.then(({ code }) => {
          clearTimeout(timer);
          rej(new Error(`${app} exited with ${code}:\n${output.slice(-3000)}`));
        });
      });
      try {
        const base = `http://127.0.0.1:${port}`;
        for (const path of ['/health/ready', '/health/live', '/health/startup']) {
          assert.equal((await fetch(base + path)).status, 200, `${app} ${path}`);
        }
        const metrics = await fetch(`${base}/metrics`);
        assert.equal(metrics.status, 200);
        assert.match(await metrics.text(), /http_request_duration_seconds/);
        // An instrumented (not ignored) route, so the HTTP instrumentation must produce a span.
        await fetch(`${base}/no-such-route`);
      } finally {
        child.kill('SIGTERM');
      }
      const { code } = await exit;
      assert.equal(code, 0, output.slice(-3000));
      assert.ok(
        exported.some((body) => body.includes(`"${app}"`)),
        `no span of ${app} reached the OTLP receiver (tracing must start before the app's modules load)`,
      );
    });
  }
});
