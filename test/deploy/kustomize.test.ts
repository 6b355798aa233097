import assert from 'node:assert/strict';
import { before, describe, test } from 'node:test';
import {
  APPS,
  ENVIRONMENTS,
  imageViolations,
  type K8sObject,
  kustomize,
  operabilityViolations,
  restrictedViolations,
  schemaErrors,
  workloads,
} from './manifests.js';
import { autoscalingViolations, networkViolations, referenceViolations } from './rules.js';

// Seed 003 "Deployment Environments" (replicas, autoscaling range, resources) per overlay.
const SIZING = {
  dev: { replicas: { min: 1, max: 2 }, requests: { cpu: '100m', memory: '128Mi' }, limits: { cpu: '500m', memory: '256Mi' } },
  stage: { replicas: { min: 2, max: 10 }, requests: { cpu: '200m', memory: '384Mi' }, limits: { cpu: '500m', memory: '512Mi' } },
  prod: { replicas: { min: 5, max: 10 }, requests: { cpu: '500m', memory: '1Gi' }, limits: { cpu: '1', memory: '2Gi' } },
} as const;

for (const [env, namespace] of Object.entries(ENVIRONMENTS) as [keyof typeof ENVIRONMENTS, string][]) {
  describe(`deploy/overlays/${env}`, () => {
    let objects: K8sObject[] = [];
    before(() => {
      objects = kustomize(`deploy/overlays/${env}`);
    });

    test('builds with kubectl kustomize and every object validates against its Kubernetes or CRD schema', async () => {
      assert.ok(objects.length > 40, `only ${objects.length} objects rendered`);
      const errors = (await Promise.all(objects.map(schemaErrors))).flat();
      assert.deepEqual(errors, []);
    });

    test(`puts every object in namespace ${namespace}`, () => {
      assert.deepEqual(
        objects.filter((o) => o.metadata.namespace !== namespace).map((o) => `${o.kind}/${o.metadata.name}`),
        [],
      );
    });

    test('every workload meets the restricted Pod Security Standard with a read-only root filesystem', () => {
      assert.ok(workloads(objects).length >= APPS.length + 1);
      assert.deepEqual(workloads(objects).flatMap(restrictedViolations), []);
    });

    test('every workload has requests and limits; every long-running one has startup, liveness and readiness probes', () => {
      assert.deepEqual(workloads(objects).flatMap(operabilityViolations), []);
    });

    test('runs each of the five apps from its own image with a pinned tag', () => {
      assert.deepEqual(imageViolations(objects), []);
      const deployments = objects.filter((o) => o.kind === 'Deployment');
      assert.deepEqual(deployments.map((d) => d.metadata.name).sort(), [...APPS].sort());
      for (const d of deployments) assert.match(d.spec.template.spec.containers[0].image, new RegExp(`/${d.metadata.name}:`));
    });

    test('every reference resolves (config, secrets, service accounts, selectors, autoscaler targets, ingress backends)', () => {
      assert.deepEqual(referenceViolations(objects), []);
    });

    test('autoscaling and disruption budgets follow seed 002 within the environment range of seed 003', () => {
      assert.deepEqual(autoscalingViolations(objects, SIZING[env].replicas), []);
    });

    test('containers get the environment resources of seed 003', () => {
      for (const d of objects.filter((o) => o.kind === 'Deployment')) {
        const { requests, limits } = d.spec.template.spec.containers[0].resources;
        assert.deepEqual({ requests, limits }, { requests: SIZING[env].requests, limits: SIZING[env].limits }, d.metadata.name);
      }
    });

    test('network: default deny, DNS, one policy per app, the gateway behind a TLS ingress', () => {
      assert.deepEqual(networkViolations(objects), []);
    });

    test('the orchestrator scales on JetStream consumer lag through NATS in its own namespace', () => {
      const so = objects.find((o) => o.kind === 'ScaledObject' && o.metadata.name === 'mcp-orchestrator-api');
      const lag = so?.spec.triggers.find((t: { type: string }) => t.type === 'nats-jetstream');
      assert.ok(lag, 'no nats-jetstream trigger');
      assert.equal(lag.metadata.lagThreshold, '100');
      assert.equal(lag.metadata.natsServerMonitoringEndpoint, `nats-headless.${namespace}.svc.cluster.local:8222`);
    });

    test('credentials come only from ExternalSecrets on the mcp-secrets store, refreshed every 15 minutes', () => {
      assert.equal(objects.filter((o) => o.kind === 'Secret').length, 0, 'a Secret is committed in the manifests');
      const external = objects.filter((o) => o.kind === 'ExternalSecret');
      assert.ok(external.length >= 4);
      for (const es of external) {
        assert.deepEqual(es.spec.secretStoreRef, { kind: 'ClusterSecretStore', name: 'mcp-secrets' }, es.metadata.name);
        assert.equal(es.spec.refreshInterval, '15m', es.metadata.name);
      }
    });

    test('migrations run as a PreSync hook Job with the database secret', () => {
      const job = objects.find((o) => o.kind === 'Job');
      assert.equal(job?.metadata.annotations?.['argocd.argoproj.io/hook'], 'PreSync');
      assert.deepEqual(job?.spec.template.spec.containers[0].command.slice(-1), ['/app/migrate/main.mjs']);
    });
  });
}

describe('every directory Argo CD syncs on its own builds', () => {
  for (const env of Object.keys(ENVIRONMENTS)) {
    for (const part of ['platform', 'migrations', ...APPS]) {
      test(`deploy/overlays/${env}/${part}`, () => {
        const objects = kustomize(`deploy/overlays/${env}/${part}`);
        assert.ok(objects.length > 0);
      });
    }
  }
});
