import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, test } from 'node:test';
import { dockerfileViolations } from './dockerfile.js';
import { APPS, ROOT } from './manifests.js';

const scripts = (JSON.parse(readFileSync(resolve(ROOT, 'package.json'), 'utf8')) as { scripts: Record<string, string> }).scripts;

describe('Dockerfile', () => {
  test('is valid, multi-stage, pinned, non-root, and ships only the bundle with production dependencies', () => {
    assert.deepEqual(dockerfileViolations(readFileSync(resolve(ROOT, 'Dockerfile'), 'utf8'), scripts, APPS), []);
  });

  test('every app has the build script the image runs', () => {
    for (const app of APPS) assert.match(scripts[`build:${app}`] ?? '', new RegExp(`build-bundle\\.mjs ${app}$`), app);
  });

  test('.dockerignore keeps local artifacts and secrets out of the build context', () => {
    const ignored = readFileSync(resolve(ROOT, '.dockerignore'), 'utf8')
      .split('\n')
      .map((l) => l.trim());
    for (const entry of ['.git', 'node_modules', 'dist', '.env', '.env.*']) assert.ok(ignored.includes(entry), entry);
  });
});
