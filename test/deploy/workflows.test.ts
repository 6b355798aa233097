import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, test } from 'node:test';
import { APPS, ENVIRONMENTS, ROOT, parseYamlDocuments } from './manifests.js';
import { workflowViolations } from './workflows.js';

const DIR = resolve(ROOT, '.github/workflows');
const scripts = (JSON.parse(readFileSync(resolve(ROOT, 'package.json'), 'utf8')) as { scripts: Record<string, string> }).scripts;
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- workflow documents, checked field by field
const load = (file: string): any => parseYamlDocuments(readFileSync(resolve(DIR, file), 'utf8'), file)[0];

describe('.github/workflows', () => {
  const files = readdirSync(DIR).filter((f) => f.endsWith('.yml') || f.endsWith('.yaml'));

  test('there are CI, images and promotion workflows', () => {
    assert.deepEqual(files.sort(), ['ci.yml', 'images.yml', 'promote.yml']);
  });

  for (const file of files) {
    test(`${file}: actionlint is clean, actions are known releases or pinned images, npm scripts exist`, async () => {
      assert.deepEqual(await workflowViolations(resolve(DIR, file), scripts), []);
    });
  }

  test('CI runs lint, type check and tests against Postgres, Redis and NATS with JetStream', () => {
    const ci = load('ci.yml');
    const jobs = Object.values(ci.jobs) as { steps: { run?: string }[] }[];
    const runs = jobs.flatMap((j) => j.steps.map((s) => s.run ?? '')).join('\n');
    for (const cmd of ['npm run lint', 'npm run typecheck', 'npm test', 'npm run test:deploy']) assert.ok(runs.includes(cmd), cmd);
    assert.ok(ci.jobs.test.services.postgres && ci.jobs.test.services.redis);
    assert.match(runs, /nats:[\d.]+-alpine -js/);
  });

  test('images: a matrix over the five apps that scans, produces an SBOM and pushes immutable tags', () => {
    const job = load('images.yml').jobs.image;
    assert.deepEqual([...job.strategy.matrix.app].sort(), [...APPS].sort());
    const steps = job.steps
      .map((s: { uses?: string; with?: Record<string, string> }) => `${s.uses} ${JSON.stringify(s.with ?? {})}`)
      .join('\n');
    assert.match(steps, /trivy.*--exit-code 1/);
    assert.match(steps, /cyclonedx/);
    assert.match(steps, /"push":true/);
    assert.match(steps, /type=sha,format=long/);
    assert.match(steps, /latest=false/);
  });

  test('promotion rewrites an overlay image file that exists for every environment and opens a pull request', () => {
    const wf = load('promote.yml');
    assert.deepEqual(wf.on.workflow_dispatch.inputs.environment.options.sort(), Object.keys(ENVIRONMENTS).sort());
    const text = JSON.stringify(wf);
    assert.match(text, /deploy\/overlays\/\$\{\{ inputs.environment \}\}\/images\/kustomization.yaml/);
    assert.match(text, /peter-evans\/create-pull-request/);
    for (const env of Object.keys(ENVIRONMENTS)) {
      const [images] = parseYamlDocuments(readFileSync(resolve(ROOT, `deploy/overlays/${env}/images/kustomization.yaml`), 'utf8'), env) as [
        { images: { name: string; newTag: string }[] },
      ];
      assert.deepEqual(images.images.map((i) => i.name).sort(), APPS.map((a) => `ghcr.io/mcp-platform/${a}`).sort());
    }
  });
});
