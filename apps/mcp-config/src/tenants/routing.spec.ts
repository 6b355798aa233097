import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { parseRoutingYaml, RoutingFileError } from './routing.js';

const configMap = `apiVersion: v1
kind: ConfigMap
metadata:
  name: tenant-routing-config
data:
  routing.yaml: |
    tenants:
      tenant-123:
        name: "Acme Corp"
        schema: "tenant_123"
        features:
          - "ml_inference"
          - "advanced_analytics"
        limits:
          requests_per_minute: 1000
          concurrent_contexts: 100
      tenant-456:
        name: "Beta Inc"
        features: ["basic_features"]
        tier: premium
`;

describe('parseRoutingYaml', () => {
  it('reads the ConfigMap form', () => {
    assert.deepEqual(parseRoutingYaml(configMap), [
      {
        id: 'tenant-123',
        name: 'Acme Corp',
        schema: 'tenant_123',
        features: ['ml_inference', 'advanced_analytics'],
        limits: { requests_per_minute: 1000, concurrent_contexts: 100 },
        tier: 'standard',
      },
      {
        id: 'tenant-456',
        name: 'Beta Inc',
        features: ['basic_features'],
        limits: { requests_per_minute: 600, concurrent_contexts: 20 },
        tier: 'premium',
      },
    ]);
  });

  it('reads the bare form', () => {
    assert.equal(parseRoutingYaml('tenants:\n  a1:\n    name: A\n')[0]!.name, 'A');
  });

  it('names the failing path', () => {
    assert.throws(
      () => parseRoutingYaml('tenants:\n  a1:\n    limits:\n      requests_per_minute: -5\n'),
      (e: Error) => e instanceof RoutingFileError && e.path === '/tenants/a1/limits/requests_per_minute',
    );
    assert.throws(() => parseRoutingYaml('tenants:\n  a1:\n    tier: gold\n'), /\/tenants\/a1\/tier/);
    assert.throws(() => parseRoutingYaml('other: 1\n'), /\/tenants/);
  });
});
