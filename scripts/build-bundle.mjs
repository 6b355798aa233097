#!/usr/bin/env node
// Bundles one app's tsc output (decorator metadata already emitted) into dist/bundle/<app>/main.mjs.
// Usage: node scripts/build-bundle.mjs <app>   (run after `tsc -p tsconfig.json`)
// The project's own code (apps/, libs/ via the "#lib" imports) is inlined; every package in
// "dependencies" stays external, because Nest and OpenTelemetry load optional peers lazily and
// would break when bundled. The image therefore ships this file plus production node_modules only.
import { build } from 'esbuild';
import { readFileSync, existsSync } from 'node:fs';

const APPS = ['mcp-gateway', 'mcp-orchestrator-api', 'mcp-policy-proxy', 'mcp-config', 'mcp-tracehub'];
const app = process.argv[2];
if (!APPS.includes(app)) {
  console.error(`usage: build-bundle.mjs <${APPS.join('|')}>`);
  process.exit(2);
}
const entry = `dist/apps/${app}/src/main.js`;
if (!existsSync(entry)) {
  console.error(`${entry} is missing: run \`npx tsc -p tsconfig.json\` first`);
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
  legalComments: 'none',
  logLevel: 'warning',
  // Bundled CommonJS helpers may call require(); give the ESM bundle one.
  banner: { js: "import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);" },
});
console.log(`dist/bundle/${app}/main.mjs`);
