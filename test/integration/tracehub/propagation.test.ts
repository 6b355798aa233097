import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { ROOT_CONTEXT, SpanKind, propagation, trace } from '@opentelemetry/api';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-proto';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { core } from '@opentelemetry/sdk-node';
import { BasicTracerProvider, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { headers as natsHeaders } from 'nats';
import { StatusGet, type AppName } from '#contracts';
import { encodeJson } from '#messaging';
import { NatsTestClient, TestPlatform, startApp, type AppProcess } from '#testing';
import { injectTraceContext } from '#tracing';
import { type Hub, serviceNames, startHub, waitForTrace } from './hub.js';

const TRACED: AppName[] = ['mcp-config', 'mcp-policy-proxy', 'mcp-orchestrator-api'];

let platform: TestPlatform;
let hub: Hub;
let nats: NatsTestClient;
const traced: AppProcess[] = [];

before(async () => {
  platform = await TestPlatform.create();
  hub = await startHub(platform);
  const tracing = { OTEL_SDK_DISABLED: 'false', OTEL_EXPORTER_OTLP_ENDPOINT: hub.otlpUrl, OTEL_BSP_SCHEDULE_DELAY: '100' };
  // Loading the auto-instrumentations makes a traced boot slow on a busy machine: allow more than the default.
  for (const app of TRACED) traced.push(await startApp(app, platform.env(tracing), { timeoutMs: 120_000 }));
  nats = await NatsTestClient.connect(platform.namespace.subjectPrefix);
});
after(async () => {
  await nats?.close();
  await Promise.all(traced.map((p) => p.kill()));
  await platform?.stop();
});

test('one request fanning out over NATS to three apps is one trace in tracehub, every hop parented', async () => {
  propagation.setGlobalPropagator(new core.W3CTraceContextPropagator());
  const provider = new BasicTracerProvider({
    resource: resourceFromAttributes({ 'service.name': 'propagation-client' }),
    spanProcessors: [new SimpleSpanProcessor(new OTLPTraceExporter({ url: `${hub.otlpUrl}/v1/traces` }))],
  });
  const root = provider.getTracer('propagation').startSpan('client call', { kind: SpanKind.CLIENT });
  const ctx = trace.setSpan(ROOT_CONTEXT, root);
  for (const app of TRACED) {
    const headers = natsHeaders();
    injectTraceContext(headers, ctx);
    await nats.connection.request(platform.namespace.subjectPrefix + StatusGet[app].subject, encodeJson({}), { headers, timeout: 5_000 });
  }
  root.end();
  await provider.forceFlush();

  const traceId = root.spanContext().traceId;
  const stored = await waitForTrace(hub, traceId, 1 + TRACED.length, undefined, 15_000);
  const services = serviceNames(stored);
  for (const app of TRACED) assert.ok(services.has(app), `${app} exported its span into the trace (got ${[...services].join(', ')})`);
  for (const app of TRACED) {
    const processIds = Object.entries(stored.processes)
      .filter(([, p]) => p.serviceName === app)
      .map(([id]) => id);
    const handler = stored.spans.find((s) => processIds.includes(s.processID) && s.operationName.endsWith('.status.get process'));
    assert.ok(handler, `${app} has its NATS handler span`);
    assert.deepEqual(handler.references, [{ refType: 'CHILD_OF', traceID: traceId, spanID: root.spanContext().spanId }]);
  }
  await provider.shutdown();
});
