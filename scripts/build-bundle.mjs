#!/usr/bin/env node
// Bundles one app's tsc output (decorator metadata already emitted) into dist/bundle/<app>/main.mjs.
// Usage: node scripts/build-bundle.mjs <app|migrate>   (run after `npm run build`)
// "migrate" bundles scripts/migrate.ts (every app's migrations) for the migration Job.
// The project's own code (apps/, libs/ via the "#lib" imports) is inlined; every package in
// "dependencies" stays external, because Nest and OpenTelemetry load optional peers lazily and
// would break when bundled. The image therefore ships this file plus production node_modules only.
import { build } from 'esbuild';
import { createHash } from 'node:crypto';
import { copyFileSync, existsSync, mkdirSync, readFileSync } from 'node:fs';
import { basename, dirname, extname, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

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

// Files read at run time through `new URL('<relative path>', import.meta.url)` (e.g. policy-proxy's casbin
// model) would be looked for relative to the bundle, where they are not: the plugin copies each one
// next to the output file that ends up containing the reference, and points the URL at that copy.
const ASSET_URL = /new URL\(\s*(['"])([^'"]+)\1\s*,\s*import\.meta\.url\s*\)/g;
const assetsByInput = new Map();
const runtimeAssets = {
  name: 'runtime-assets',
  setup(b) {
    b.onLoad({ filter: /\.js$/ }, (args) => {
      const code = readFileSync(args.path, 'utf8');
      if (!code.includes('import.meta.url')) return undefined;
      const assets = [];
      const contents = code.replace(ASSET_URL, (whole, _quote, relative) => {
        const source = fileURLToPath(new URL(relative, pathToFileURL(args.path)));
        if (!existsSync(source) || ['.js', '.mjs', '.cjs'].includes(extname(source))) return whole;
        const name = `${createHash('sha256').update(source).digest('hex').slice(0, 8)}-${basename(source)}`;
        assets.push({ source, name });
        return `new URL(${JSON.stringify(`./assets/${name}`)}, import.meta.url)`;
      });
      if (!assets.length) return undefined;
      assetsByInput.set(args.path, assets);
      return { contents, loader: 'js' };
    });
    b.onEnd((result) => {
      for (const [output, meta] of Object.entries(result.metafile?.outputs ?? {})) {
        for (const input of Object.keys(meta.inputs)) {
          for (const { source, name } of assetsByInput.get(resolve(input)) ?? []) {
            mkdirSync(resolve(dirname(output), 'assets'), { recursive: true });
            copyFileSync(source, resolve(dirname(output), 'assets', name));
          }
        }
      }
    });
  },
};

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
  metafile: true,
  plugins: [runtimeAssets],
});
console.log(`dist/bundle/${app}/main.mjs`);
