#!/usr/bin/env node
// Bundles one app's tsc output (decorator metadata already emitted) into dist/bundle/<app>/main.mjs.
// Usage: node scripts/build-bundle.mjs <app|migrate>   (run after `npm run build`)
// "migrate" bundles scripts/migrate.ts (every app's migrations) for the migration Job.
// The project's own code (apps/, libs/ via the "#lib" imports) is inlined; every package in
// "dependencies" stays external, because Nest and OpenTelemetry load optional peers lazily and
// would break when bundled. The image therefore ships this file plus production node_modules only.
import { build } from 'esbuild';
import { readFileSync, existsSync } from 'node:fs';

const ENTRIES = {
  'mcp-gateway': 'dist/apps/mcp-gateway/src/main.js',
  'mcp-orchestrator-api': 'dist/apps/mcp-orchestrator-api/src/main.js',
  'mcp-policy-proxy': 'dist/apps/mcp-policy-proxy/src/main.js',
  'mcp-config': 'dist/apps/mcp-config/src/main.js',
  'mcp-tracehub': 'dist/apps/mcp-tracehub/src/main.js',
  migrate: 'dist/scripts/migrate.js',
};
const app = process.argv[2];
const entry = ENTRIES[app];
if (!entry) {
  console.error(`usage: build-bundle.mjs <${Object.keys(ENTRIES).join('|')}>`);
  process.exit(2);
}
if (!existsSync(entry)) {
  console.error(`${entry} is missing: run \`npm run build\` first`);
  process.exit(1);
}
const pkg = JSON.parse(readFileSync('package.json', 'utf8'));
const external = Object.keys(pkg.dependencies ?? {}).flatMap((d) => [d, `${d}/*`]);

await build({
  entryPoints: { main: entry },
  outdir: `dist/bundle/${app}`,
  outExtension: { '.js': '.mjs' },
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  external,
  // The "source" condition maps #lib imports to .ts; the bundle must take the compiled dist/ files.
  conditions: ['node', 'import', 'default'],
  sourcemap: true,
  // main.ts starts tracing and only then imports the app with import(): splitting keeps that import
  // (and the packages it pulls in) lazy, so OpenTelemetry's hooks are in place before Nest loads.
  splitting: true,
  // Nest logs and TypeORM derives entity and migration names from class names: keep them unmangled.
  keepNames: true,
  chunkNames: 'chunks/[name]-[hash]',
  legalComments: 'none',
  logLevel: 'warning',
});
console.log(`dist/bundle/${app}/main.mjs`);
