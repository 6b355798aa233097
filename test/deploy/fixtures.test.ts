// The checks must fail on broken input: each fixture under test/deploy/fixtures breaks one kind of
// artifact in known ways, and every one of those ways must be reported.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, test } from 'node:test';
import { composeViolations, loadCompose } from './compose.js';
import { dockerfileViolations } from './dockerfile.js';
import {
  APPS,
  type K8sObject,
  ROOT,
  imageViolations,
  kustomize,
  operabilityViolations,
  parseYamlDocuments,
  restrictedViolations,
  schemaErrors,
  workloads,
} from './manifests.js';
import { promqlErrors, ruleGroupViolations } from './observability.js';
import { applicationViolations, autoscalingViolations, referenceViolations } from './rules.js';
import { workflowViolations } from './workflows.js';

const FIXTURES = 'test/deploy/fixtures';
const scripts = (JSON.parse(readFileSync(resolve(ROOT, 'package.json'), 'utf8')) as { scripts: Record<string, string> }).scripts;

function assertReports(violations: string[], expected: RegExp[]): void {
  for (const pattern of expected) {
    assert.ok(
      violations.some((v) => pattern.test(v)),
      `expected a violation matching ${pattern}, got:\n${violations.join('\n')}`,
    );
  }
}

describe('broken fixtures are caught', () => {
  test('schema: missing selector, wrong type, unnamed container', async () => {
    const objects = kustomize(`${FIXTURES}/schema`);
    const errors = (await Promise.all(objects.map(schemaErrors))).flat();
    assertReports(errors, [
      /required property 'selector'|required property selector/,
      /replicas must be integer/,
      /required property 'name'|required property name/,
    ]);
  });

  test('schema: an unknown kind has no schema and is rejected', async () => {
    const errors = await schemaErrors({ apiVersion: 'example.com/v1', kind: 'Widget', metadata: { name: 'w' } });
    assertReports(errors, [/no schema for example.com\/v1 Widget/]);
  });

  test('security: privileged, writable root, host network, missing probe and limits, unpinned image', () => {
    const objects = kustomize(`${FIXTURES}/security`);
    const all = [
      ...workloads(objects).flatMap(restrictedViolations),
      ...workloads(objects).flatMap(operabilityViolations),
      ...imageViolations(objects),
    ];
    assertReports(all, [
      /is privileged/,
      /writable root filesystem/,
      /host namespaces/,
      /no readinessProbe/,
      /no cpu limit/,
      /no memory limit/,
      /no pinned tag/,
    ]);
  });

  test('references: a Service selecting nothing, an autoscaler on a missing Deployment, two autoscalers, a missing ConfigMap', () => {
    const objects = kustomize(`${FIXTURES}/references`);
    assertReports(referenceViolations(objects), [
      /Service\/mcp-policy-proxy: selects no/,
      /scales Deployment\/mcp-policy, which is not rendered/,
      /ConfigMap mcp-policy-proxy-config is not rendered/,
    ]);
    assertReports(autoscalingViolations(objects, { min: 2, max: 10 }), [/Deployment\/mcp-policy-proxy: has 2 HPA/]);
  });

  test('argocd: a path that does not build, an unpinned chart, a destination and policy outside the rules', () => {
    const projects = kustomize('argocd').filter((o) => o.kind === 'AppProject');
    const apps = parseYamlDocuments(
      readFileSync(resolve(ROOT, FIXTURES, 'argocd/applications.yaml'), 'utf8'),
      'argocd fixture',
    ) as K8sObject[];
    const violations = apps.flatMap((a) => applicationViolations(a, projects));
    assertReports(violations, [
      /mcp-gateway-qa: path deploy\/overlays\/qa\/mcp-gateway does not build/,
      /nats-dev: chart nats is not pinned/,
      /nats-dev: destination .* kube-system is not allowed/,
      /nats-dev: automated sync without prune and self-heal/,
    ]);
  });

  test('compose: unknown key, no health check, unconditioned dependencies, unpinned and foreign images, JetStream off', () => {
    const dir = resolve(ROOT, FIXTURES, 'compose');
    const violations = composeViolations(loadCompose(resolve(dir, 'docker-compose.yml')), dir);
    assertReports(violations, [
      /schema: .*additional properties.*restart_policy/,
      /redis: no health check/,
      /nats: no named volume/,
      /JetStream \(-js\) is off/,
      /mcp-gateway: no health check/,
      /mcp-gateway: does not wait for postgres to be healthy/,
      /mcp-orchestrator-api: missing/,
      /redis: image redis:latest is not pinned/,
      /mcp-billing: image .* is not one of the five apps/,
    ]);
  });

  test('workflow: missing job, unreleased action version, wrong input, undefined npm script', async () => {
    const violations = await workflowViolations(resolve(ROOT, FIXTURES, 'workflow/broken.yml'), scripts);
    assertReports(violations, [
      /needs job "build" which does not exist/,
      /input "fetch-deep" is not defined/,
      /actions\/setup-node@v99 is not a known release/,
      /npm script "test:everything"/,
    ]);
  });

  test('Dockerfile: unpinned base, single stage, root user, whole context copied, shell-form CMD', () => {
    const violations = dockerfileViolations(readFileSync(resolve(ROOT, FIXTURES, 'Dockerfile.broken'), 'utf8'), scripts, APPS);
    assertReports(violations, [
      /not a multi-stage build/,
      /FROM node:latest .* is not pinned/,
      /final stage runs as root/,
      /copies \. from the build context/,
      /CMD is not in exec form/,
      /npm ci --omit=dev/,
    ]);
  });

  test('alert rules: a PromQL syntax error and a missing severity', () => {
    assert.ok(promqlErrors('sum(rate(http_request_duration_seconds_count[5m]) by').length > 0);
    assertReports(ruleGroupViolations([{ rules: [{ alert: 'Broken', expr: 'up ==', annotations: { summary: 's' } }] }]), [
      /Broken: syntax error/,
      /Broken: severity undefined/,
    ]);
  });
});
