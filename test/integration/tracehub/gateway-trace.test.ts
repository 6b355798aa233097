import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import type { AppName, JaegerTrace } from '#contracts';
import { NatsTestClient, TestPlatform, eventually, startApp, type AppProcess } from '#testing';
import { auth, devToken, gatewayEnv, onboard, TestIdentityProvider } from '../gateway/support.js';
import { type Hub, serviceNames, startHub } from './hub.js';

// The platform's request path with tracing on in every app: one REST call through the gateway must
// be one trace in tracehub covering the gateway and the apps it called (config, policy, orchestrator).
const BACKENDS: AppName[] = ['mcp-config', 'mcp-policy-proxy', 'mcp-orchestrator-api'];

let platform: TestPlatform;
let hub: Hub;
let nats: NatsTestClient;
let gateway: AppProcess;
const apps: AppProcess[] = [];
const idp = new TestIdentityProvider();

before(async () => {
  await idp.start();
  platform = await TestPlatform.create();
  hub = await startHub(platform);
  const tracing = { OTEL_SDK_DISABLED: 'false', OTEL_EXPORTER_OTLP_ENDPOINT: hub.otlpUrl, OTEL_BSP_SCHEDULE_DELAY: '100' };
  // Traced boots load every auto-instrumentation: slow on a busy machine, so a longer limit than the default.
  for (const app of BACKENDS) apps.push(await startApp(app, platform.env(tracing), { timeoutMs: 120_000 }));
  nats = await NatsTestClient.connect(platform.namespace.subjectPrefix);
  await onboard(nats, 'acme');
  gateway = await startApp('mcp-gateway', platform.env({ ...gatewayEnv(idp), ...tracing }), { timeoutMs: 120_000 });
  apps.push(gateway);
});
after(async () => {
  await nats?.close();
  await Promise.all(apps.map((p) => p.kill()));
  await platform?.stop();
  await idp.stop();
});

test('one REST call through the gateway is one trace spanning at least three apps', async () => {
  const res = await fetch(`${gateway.url}/v1/ping`, { headers: auth(devToken('alice', ['acme'], ['admin']), 'acme') });
  assert.equal(res.status, 200, await res.clone().text());

  const trace = await eventually(
    async () => {
      const { body } = await hub.api<JaegerTrace[]>('/api/traces?service=mcp-gateway&lookback=10m&limit=20');
      // The gateway serves the tenant lookup from its own cache, so config may not be on the path:
      // the gateway and at least two of the apps it calls make the three.
      return body.data.find((t) => {
        const services = serviceNames(t);
        return services.has('mcp-gateway') && BACKENDS.filter((app) => services.has(app)).length >= 2;
      });
    },
    60_000,
    500,
  ).catch(async (error: unknown) => {
    const { body } = await hub.api<JaegerTrace[]>('/api/traces?service=mcp-gateway&lookback=10m&limit=20');
    throw new Error(`${String(error)}; gateway traces seen: ${JSON.stringify(body.data.map((t) => [...serviceNames(t)]))}`);
  });
  const full = (await hub.api<JaegerTrace[]>(`/api/traces/${trace.traceID}`)).body.data[0]!;
  const services = serviceNames(full);
  assert.ok(services.size >= 3, `gateway + 2 apps at least, got ${[...services].join(', ')}`);
  const ids = new Set(full.spans.map((s) => s.spanID));
  const roots = full.spans.filter((s) => s.references.length === 0);
  assert.equal(roots.length, 1, 'one root span');
  assert.equal(full.processes[roots[0]!.processID]!.serviceName, 'mcp-gateway');
  for (const span of full.spans) {
    for (const ref of span.references) assert.ok(ids.has(ref.spanID), `parent of ${span.operationName} is in the trace`);
  }
});
