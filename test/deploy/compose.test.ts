import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { resolve } from 'node:path';
import { describe, test } from 'node:test';
import { composeViolations, loadCompose } from './compose.js';
import { APPS, ROOT, parseYamlDocuments } from './manifests.js';
import { readFileSync } from 'node:fs';

const COMPOSE = resolve(ROOT, 'docker-compose.yml');

describe('docker-compose.yml', () => {
  test('parses, validates against the compose-spec schema and meets the platform rules', () => {
    assert.deepEqual(composeViolations(loadCompose(COMPOSE)), []);
  });

  test('Prometheus scrapes every app and Grafana has Prometheus and tracehub (Jaeger) as data sources', () => {
    const [prom] = parseYamlDocuments(
      readFileSync(resolve(ROOT, 'deploy/observability/prometheus/prometheus.yml'), 'utf8'),
      'prometheus.yml',
    ) as [{ scrape_configs: { job_name: string; static_configs: { targets: string[] }[] }[] }];
    for (const app of APPS) {
      const job = prom.scrape_configs.find((j) => j.job_name === app);
      assert.deepEqual(
        job?.static_configs.flatMap((s) => s.targets),
        [`${app}:8080`],
        app,
      );
    }
    const [ds] = parseYamlDocuments(
      readFileSync(resolve(ROOT, 'deploy/observability/grafana/provisioning/datasources/datasources.yml'), 'utf8'),
      'ds',
    ) as [{ datasources: { type: string; url: string }[] }];
    assert.ok(ds.datasources.some((d) => d.type === 'prometheus' && d.url === 'http://prometheus:9090'));
    assert.ok(ds.datasources.some((d) => d.type === 'jaeger' && d.url === 'http://mcp-tracehub:8080'));
  });

  // docker-compose (Debian's package) validates the file without a Docker engine.
  const dockerCompose = spawnSync('docker-compose', ['version'], { encoding: 'utf8' });
  test(
    'docker-compose config accepts it',
    { skip: dockerCompose.status === 0 ? false : 'docker-compose is not installed (apt-get install docker-compose)' },
    () => {
      const result = spawnSync('docker-compose', ['-f', COMPOSE, '--profile', 'observability', 'config', '--quiet'], {
        encoding: 'utf8',
        cwd: ROOT,
      });
      assert.equal(result.status, 0, result.stderr);
    },
  );
});
