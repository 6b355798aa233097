import { Histogram, register } from 'prom-client';

/**
 * The platform's cross-cutting metrics. They live in prom-client's default registry, which
 * @willsoto/nestjs-prometheus serves on /metrics together with the default process metrics.
 */
export const httpRequestDuration = singleton(
  'http_request_duration_seconds',
  () =>
    new Histogram({
      name: 'http_request_duration_seconds',
      help: 'HTTP request duration by route pattern, method and status code',
      labelNames: ['route', 'method', 'status'] as const,
      buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
    }),
);

export const natsHandlerDuration = singleton(
  'nats_handler_duration_seconds',
  () =>
    new Histogram({
      name: 'nats_handler_duration_seconds',
      help: 'NATS message handler duration by subject and outcome (ok, error, invalid)',
      labelNames: ['subject', 'outcome'] as const,
      buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 5],
    }),
);

function singleton<T>(name: string, create: () => T): T {
  return (register.getSingleMetric(name) as T | undefined) ?? create();
}
