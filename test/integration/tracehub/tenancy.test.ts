import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-proto';
import { DependencyList, ServiceList, TraceGet, TraceSearch, type JaegerDependencyLink, type JaegerTrace } from '#contracts';
import { NatsTestClient, TestPlatform } from '#testing';
import { type Hub, type Reply, recordTrace, startHub, waitForTrace } from './hub.js';

let platform: TestPlatform;
let hub: Hub;
let nats: NatsTestClient;
let acmeTrace: string;
let globexTrace: string;

before(async () => {
  platform = await TestPlatform.create();
  hub = await startHub(platform);
  nats = await NatsTestClient.connect(platform.namespace.subjectPrefix);
  const acme = recordTrace('shop', 'acme', 'GET /cart');
  const globex = recordTrace('shop', 'globex', 'GET /cart');
  const exporter = new OTLPTraceExporter({ url: `${hub.otlpUrl}/v1/traces` });
  await new Promise((resolve) => exporter.export([...acme, ...globex], resolve));
  await exporter.shutdown();
  acmeTrace = acme[0]!.spanContext().traceId;
  globexTrace = globex[0]!.spanContext().traceId;
  await waitForTrace(hub, acmeTrace, 2);
  await waitForTrace(hub, globexTrace, 2);
});
after(async () => {
  await nats?.close();
  await platform?.stop();
});

const acme = { tenantId: 'acme', roles: ['member'] };

test('over NATS a tenant reads its own trace and gets NOT_FOUND for another tenant’s', async () => {
  const own = (await nats.request(TraceGet.subject, { caller: acme, traceId: acmeTrace })) as Reply<JaegerTrace>;
  assert.equal(own.data!.traceID, acmeTrace);
  assert.equal(own.data!.spans.length, 2);
  const foreign = (await nats.request(TraceGet.subject, { caller: acme, traceId: globexTrace })) as Reply<JaegerTrace>;
  assert.equal(foreign.error?.code, 'NOT_FOUND');
});

test('over NATS search, services and dependencies only cover the caller’s tenant; admins see all', async () => {
  const mine = (await nats.request(TraceSearch.subject, { caller: acme, service: 'shop' })) as Reply<JaegerTrace[]>;
  assert.deepEqual(
    mine.data!.map((t) => t.traceID),
    [acmeTrace],
  );
  const all = (await nats.request(TraceSearch.subject, { caller: { roles: ['platform-admin'] }, service: 'shop' })) as Reply<JaegerTrace[]>;
  assert.deepEqual(all.data!.map((t) => t.traceID).sort(), [acmeTrace, globexTrace].sort());
  const other = (await nats.request(ServiceList.subject, { caller: { tenantId: 'initech', roles: [] } })) as Reply<string[]>;
  assert.deepEqual(other.data, []);
  const services = (await nats.request(ServiceList.subject, { caller: acme })) as Reply<string[]>;
  assert.deepEqual(services.data, ['shop']);
  const deps = (await nats.request(DependencyList.subject, { caller: acme })) as Reply<JaegerDependencyLink[]>;
  assert.deepEqual(deps.data, []);
});

test('over NATS a caller needs a tenant or platform-admin, and a valid tenant id', async () => {
  const anonymous = (await nats.request(TraceSearch.subject, { caller: { roles: ['member'] }, service: 'shop' })) as Reply<JaegerTrace[]>;
  assert.equal(anonymous.error?.code, 'TENANT_REQUIRED');
  const injected = (await nats.request(TraceGet.subject, {
    caller: { tenantId: "x' OR '1'='1", roles: [] },
    traceId: acmeTrace,
  })) as Reply<JaegerTrace>;
  assert.equal(injected.error?.code, 'VALIDATION_FAILED');
});

test('over HTTP the operator token is required and X-Tenant-ID narrows the view', async () => {
  const noToken = await fetch(`${hub.apiUrl}/api/traces/${acmeTrace}`);
  assert.equal(noToken.status, 401);
  const wrongToken = await fetch(`${hub.apiUrl}/api/services`, { headers: { authorization: 'Bearer not-the-token-at-all' } });
  assert.equal(wrongToken.status, 401);
  assert.equal((await hub.api(`/api/traces/${globexTrace}`, 'acme')).status, 404);
  assert.equal((await hub.api(`/api/traces/${acmeTrace}`, 'acme')).status, 200);
  assert.equal((await hub.api(`/api/traces/${globexTrace}`)).status, 200);
  const search = await hub.api<JaegerTrace[]>('/api/traces?service=shop', 'globex');
  assert.deepEqual(
    search.body.data.map((t) => t.traceID),
    [globexTrace],
  );
  assert.equal((await hub.api('/api/services', 'Bad Tenant')).status, 400);
});
