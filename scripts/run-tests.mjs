#!/usr/bin/env node
// Runs compiled tests with node:test and ends with one plain line "N passed, N failed".
// Usage: node scripts/run-tests.mjs [unit|integration|e2e|chaos ...]  (default: unit integration)
// Tests are TypeScript compiled by `tsc` into dist/, so they run exactly the code that ships.
import { spawn } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';

const tiers = {
  unit: { roots: ['dist/apps', 'dist/libs', 'dist/bench'], match: (f) => f.endsWith('.spec.js') },
  integration: { roots: ['dist/test/integration'], match: (f) => f.endsWith('.test.js') },
  e2e: { roots: ['dist/test/e2e'], match: (f) => f.endsWith('.test.js') },
  security: { roots: ['dist/test/security'], match: (f) => f.endsWith('.test.js') },
  deploy: { roots: ['dist/test/deploy'], match: (f) => f.endsWith('.test.js') },
  chaos: { roots: ['dist/test/chaos'], match: (f) => f.endsWith('.test.js') },
};
const requested = process.argv.slice(2).filter((a) => !a.startsWith('-'));
const selected = requested.length ? requested : ['unit', 'integration'];
const filter = process.env.TEST_FILTER;

function walk(dir, out) {
  let entries;
  try {
    entries = readdirSync(dir);
  } catch {
    return out;
  }
  for (const e of entries) {
    const p = join(dir, e);
    if (statSync(p).isDirectory()) walk(p, out);
    else out.push(p);
  }
  return out;
}

let passed = 0;
let failed = 0;
for (const tier of selected) {
  const spec = tiers[tier];
  if (!spec) {
    console.error(`unknown test tier "${tier}" (known: ${Object.keys(tiers).join(', ')})`);
    process.exit(2);
  }
  const files = spec.roots
    .flatMap((r) => walk(r, []))
    .filter(spec.match)
    .filter((f) => !filter || f.includes(filter))
    .sort();
  if (!files.length) {
    console.log(`[${tier}] no test files`);
    continue;
  }
  console.log(`[${tier}] ${files.length} file(s)`);
  const concurrency = tier === 'unit' ? 2 : 1;
  const result = await new Promise((resolve) => {
    const child = spawn(
      process.execPath,
      [
        '--enable-source-maps',
        '--test',
        `--test-concurrency=${concurrency}`,
        '--test-reporter=spec',
        '--test-reporter-destination=stdout',
        '--test-reporter=./scripts/count-reporter.mjs',
        '--test-reporter-destination=.test-counts.json',
        ...files.map((f) => relative(process.cwd(), f)),
      ],
      { stdio: 'inherit' },
    );
    child.on('exit', (code) => resolve(code));
  });
  const { readFileSync } = await import('node:fs');
  try {
    const counts = JSON.parse(readFileSync('.test-counts.json', 'utf8'));
    passed += counts.passed;
    failed += counts.failed;
  } catch {
    failed += 1;
    console.error(`[${tier}] test runner exited ${result} without results`);
  }
}
console.log(`${passed} passed, ${failed} failed`);
process.exit(failed ? 1 : 0);
