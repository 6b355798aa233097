import type { Context } from '@opentelemetry/api';
import type { Span, SpanProcessor } from '@opentelemetry/sdk-trace-base';
import { currentTenant } from '#tenancy';

/** Span attribute tracehub reads to assign a span to a tenant (docs/TRACEHUB.md). Loaded only by startTracing, after the instrumentation hook is in place. */
export const TENANT_SPAN_ATTRIBUTE = 'tenant.id';

/**
 * Stamps every span started inside a tenant context with `tenant.id`, so tracehub can show a tenant
 * the spans of its own requests, from every app they crossed, and no one else's.
 */
export class TenantSpanProcessor implements SpanProcessor {
  onStart(span: Span, _parentContext: Context): void {
    const tenant = currentTenant();
    if (tenant) span.setAttribute(TENANT_SPAN_ATTRIBUTE, tenant.tenantId);
  }
  onEnd(): void {}
  forceFlush(): Promise<void> {
    return Promise.resolve();
  }
  shutdown(): Promise<void> {
    return Promise.resolve();
  }
}
