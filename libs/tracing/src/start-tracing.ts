import { register } from 'node:module';
import { loadEnvOrExit, tracingEnv } from '#env';

let started: { shutdown(): Promise<void> } | undefined;

/**
 * Starts OpenTelemetry for this process. Call it from the app's `instrument.ts`, which `main.ts`
 * imports before anything else: ESM links every static import before running any of them, so the
 * instrumentation hook must be registered first and the rest of the app loaded after it.
 */
export async function startTracing(serviceName: string, options: { ignorePaths?: string[] } = {}): Promise<void> {
  const env = loadEnvOrExit(tracingEnv);
  if (env.OTEL_SDK_DISABLED || started) return;
  register('@opentelemetry/instrumentation/hook.mjs', import.meta.url);

  const [
    { NodeSDK },
    { BatchSpanProcessor },
    { getNodeAutoInstrumentations },
    { OTLPTraceExporter },
    { resourceFromAttributes },
    { TenantSpanProcessor },
  ] = await Promise.all([
    import('@opentelemetry/sdk-node'),
    import('@opentelemetry/sdk-trace-base'),
    import('@opentelemetry/auto-instrumentations-node'),
    import('@opentelemetry/exporter-trace-otlp-http'),
    import('@opentelemetry/resources'),
    import('./tenant-span-processor.js'),
  ]);
  const ignored = ['/health', '/metrics', ...(options.ignorePaths ?? [])];
  const sdk = new NodeSDK({
    resource: resourceFromAttributes({ 'service.name': serviceName, 'service.namespace': env.OTEL_SERVICE_NAMESPACE }),
    spanProcessors: [
      new TenantSpanProcessor(),
      new BatchSpanProcessor(new OTLPTraceExporter({ url: `${env.OTEL_EXPORTER_OTLP_ENDPOINT.replace(/\/$/, '')}/v1/traces` }), {
        scheduledDelayMillis: env.OTEL_BSP_SCHEDULE_DELAY,
      }),
    ],
    instrumentations: [
      getNodeAutoInstrumentations({
        // File system, DNS and socket spans are noise at this level and cost CPU on every request.
        '@opentelemetry/instrumentation-fs': { enabled: false },
        '@opentelemetry/instrumentation-dns': { enabled: false },
        '@opentelemetry/instrumentation-net': { enabled: false },
        '@opentelemetry/instrumentation-http': {
          ignoreIncomingRequestHook: (req) => ignored.some((p) => (req.url ?? '').startsWith(p)),
        },
      }),
    ],
  });
  sdk.start();
  started = sdk;
}

/** Flushes buffered spans; part of graceful shutdown. */
export async function stopTracing(): Promise<void> {
  const sdk = started;
  started = undefined;
  await sdk?.shutdown().catch(() => undefined);
}
