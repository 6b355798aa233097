import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, test } from 'node:test';
import { ROOT, kustomize, parseYamlDocuments } from './manifests.js';
import { promqlErrors, ruleGroupViolations } from './observability.js';

const OBS = resolve(ROOT, 'deploy/observability');
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- YAML/JSON documents, checked field by field
const yamlFile = (path: string): any => parseYamlDocuments(readFileSync(resolve(OBS, path), 'utf8'), path)[0];

describe('alerting rules', () => {
  const rendered = kustomize('deploy/observability');
  const rule = rendered.find((o) => o.kind === 'PrometheusRule')!;

  test('the PrometheusRule carries exactly the groups the compose Prometheus loads', () => {
    assert.deepEqual(rule.spec.groups, yamlFile('prometheus/alerts.yml').groups);
  });

  test('every expression parses as PromQL, with a severity and a summary', () => {
    assert.deepEqual(ruleGroupViolations(rule.spec.groups), []);
  });

  test('cover seed 002 and 003: downtime and error rate (critical), latency, CPU, memory, restarts (warning), scaling (info)', () => {
    const alerts = rule.spec.groups.flatMap((g: { rules: { alert: string; labels: { severity: string } }[] }) => g.rules);
    const severity = (name: string) => alerts.find((a: { alert: string }) => a.alert === name)?.labels.severity;
    assert.equal(severity('McpServiceDown'), 'critical');
    assert.equal(severity('McpHighErrorRate'), 'critical');
    for (const name of ['McpHighLatencyP95', 'McpHighCpu', 'McpHighMemory', 'McpPodRestarting'])
      assert.equal(severity(name), 'warning', name);
    assert.equal(severity('McpScalingEvent'), 'info');
    assert.match(JSON.stringify(alerts), /> 0\.05/);
    assert.match(JSON.stringify(alerts), /histogram_quantile\(0\.95.*> 0\.5/);
  });
});

describe('Grafana dashboards', () => {
  const files = readdirSync(resolve(OBS, 'grafana/dashboards')).filter((f) => f.endsWith('.json'));
  const rendered = kustomize('deploy/observability').filter((o) => o.kind === 'ConfigMap');

  test('every dashboard file is also a ConfigMap for the Grafana sidecar, and nothing else is', () => {
    const inConfigMaps = rendered.flatMap((cm) => Object.keys((cm.data as Record<string, string>) ?? {}));
    assert.deepEqual(inConfigMaps.sort(), files.sort());
    for (const cm of rendered) assert.equal(cm.metadata.labels?.grafana_dashboard, '1');
  });

  for (const file of files) {
    test(`${file}: valid JSON, unique uid, every query parses as PromQL`, () => {
      const dash = JSON.parse(readFileSync(resolve(OBS, 'grafana/dashboards', file), 'utf8'));
      assert.ok(dash.uid && dash.title);
      const exprs: string[] = dash.panels.flatMap((p: { targets: { expr: string }[] }) => p.targets.map((t) => t.expr));
      assert.ok(exprs.length > 0);
      // Grafana substitutes $job before Prometheus sees the query.
      assert.deepEqual(
        exprs.flatMap((e) => promqlErrors(e.replaceAll('$job', 'mcp-gateway'))),
        [],
      );
    });
  }
});
