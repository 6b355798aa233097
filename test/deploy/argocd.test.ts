import assert from 'node:assert/strict';
import { before, describe, test } from 'node:test';
import { APPS, ENVIRONMENTS, type K8sObject, kustomize, schemaErrors } from './manifests.js';
import { applicationViolations } from './rules.js';

const WAVES: Record<string, number> = { platform: -1, nats: 0, postgresql: 0, redis: 0, migrations: 1 };
const waveOf = (app: K8sObject) => Number(app.metadata.annotations?.['argocd.argoproj.io/sync-wave'] ?? 0);

describe('argocd/', () => {
  let bootstrap: K8sObject[] = [];
  let children: K8sObject[] = [];
  before(() => {
    bootstrap = kustomize('argocd');
    children = kustomize('argocd/apps');
  });

  test('the bootstrap and every child Application validate against the Argo CD CRD schemas', async () => {
    const errors = (await Promise.all([...bootstrap, ...children].map(schemaErrors))).flat();
    assert.deepEqual(errors, []);
  });

  test('the root application syncs argocd/apps with prune and self-heal, restricted to the argocd namespace', () => {
    const projects = bootstrap.filter((o) => o.kind === 'AppProject');
    const root = bootstrap.find((o) => o.kind === 'Application');
    assert.ok(root);
    assert.equal(root.spec.source.path, 'argocd/apps');
    assert.deepEqual(applicationViolations(root, projects), []);
    const rootProject = projects.find((p) => p.metadata.name === root.spec.project)!;
    assert.deepEqual(
      rootProject.spec.destinations.map((d: { namespace: string }) => d.namespace),
      ['argocd'],
    );
    assert.deepEqual(rootProject.spec.namespaceResourceWhitelist, [{ group: 'argoproj.io', kind: 'Application' }]);
  });

  test('every child Application points at a path that builds (or a pinned chart) allowed by its project', () => {
    const projects = bootstrap.filter((o) => o.kind === 'AppProject');
    assert.ok(children.length > 0);
    assert.deepEqual(
      children.flatMap((app) => applicationViolations(app, projects)),
      [],
    );
  });

  test('one Application per app and environment, plus platform, migrations and NATS/Postgres/Redis per environment', () => {
    const expected = Object.keys(ENVIRONMENTS).flatMap((env) =>
      [...APPS, 'mcp-platform', 'mcp-migrations', 'nats', 'postgresql', 'redis'].map((n) => `${n}-${env}`),
    );
    assert.deepEqual(children.map((a) => a.metadata.name).sort(), expected.sort());
    for (const [env, namespace] of Object.entries(ENVIRONMENTS)) {
      for (const app of children.filter((a) => a.metadata.name.endsWith(`-${env}`))) {
        assert.equal(app.spec.destination.namespace, namespace, app.metadata.name);
        assert.ok(app.spec.syncPolicy.syncOptions.includes('CreateNamespace=true'), app.metadata.name);
        if (!app.spec.source.chart) assert.match(app.spec.source.path, new RegExp(`^deploy/overlays/${env}/`), app.metadata.name);
      }
    }
  });

  test('sync waves order platform objects, infrastructure, migrations, then the apps', () => {
    for (const app of children) {
      const part = app.metadata.name.replace(/-(dev|stage|prod)$/, '').replace(/^mcp-(platform|migrations)$/, '$1');
      const expected = WAVES[part] ?? 2;
      assert.equal(waveOf(app), expected, app.metadata.name);
    }
    assert.ok(WAVES.nats! < WAVES.migrations! && WAVES.migrations! < 2);
  });

  test('each environment namespace is created with the restricted Pod Security Standard enforced', () => {
    for (const env of Object.keys(ENVIRONMENTS)) {
      const platform = children.find((a) => a.metadata.name === `mcp-platform-${env}`)!;
      const labels = platform.spec.syncPolicy.managedNamespaceMetadata?.labels ?? {};
      assert.equal(labels['pod-security.kubernetes.io/enforce'], 'restricted', env);
    }
  });
});

describe('infrastructure charts and the platform agree', () => {
  for (const [env, namespace] of Object.entries(ENVIRONMENTS)) {
    test(`${env}: charts use the ExternalSecret targets, and their service names are the hosts the apps connect to`, () => {
      const apps = kustomize('argocd/apps').filter((a) => a.metadata.name.endsWith(`-${env}`));
      const platform = kustomize(`deploy/overlays/${env}/platform`);
      const targets = platform.filter((o) => o.kind === 'ExternalSecret').map((o) => o.spec.target.name);
      const chart = (name: string) => apps.find((a) => a.spec.source.chart === name)!.spec.source.helm;
      assert.ok(targets.includes(chart('postgresql').valuesObject.auth.existingSecret));
      assert.ok(targets.includes(chart('redis').valuesObject.auth.existingSecret));
      // Bitnami names the services after the release (postgresql, redis-master); NATS adds nats-headless.
      assert.equal(chart('postgresql').releaseName, 'postgresql');
      assert.equal(chart('redis').releaseName, 'redis');
      assert.equal(chart('nats').releaseName, 'nats');
      assert.equal(chart('nats').valuesObject.config.jetstream.enabled, true);
      const templates = JSON.stringify(platform.filter((o) => o.kind === 'ExternalSecret').map((o) => o.spec.target.template ?? {}));
      assert.match(templates, /@postgresql:5432\/mcp/);
      assert.match(templates, /@redis-master:6379/);
      const config = kustomize(`deploy/overlays/${env}/mcp-config`).find((o) => o.kind === 'ConfigMap');
      assert.equal((config?.data as Record<string, string>).NATS_URL, 'nats://nats:4222');
      const keda = kustomize(`deploy/overlays/${env}/mcp-orchestrator-api`).find((o) => o.kind === 'ScaledObject');
      assert.match(JSON.stringify(keda?.spec.triggers), new RegExp(`nats-headless\\.${namespace}\\.svc`));
    });
  }
});
