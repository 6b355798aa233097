// `npm start`: runs the five apps on this machine (ports per DESIGN.md), each line of output
// prefixed with its app; Ctrl-C (or SIGTERM) stops them all gracefully.
import { spawn, type ChildProcess } from 'node:child_process';
import { resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { APP_NAMES, type AppName } from '#contracts';
import { processEnvironment } from '#env';

// Compiled to dist/scripts/start.js: the repository root is two levels up.
const root = resolve(import.meta.dirname, '../..');
const only = process.argv.slice(2).filter((a): a is AppName => (APP_NAMES as readonly string[]).includes(a));
// Config and policy first: the others ask them for tenants and decisions as they start.
const order: AppName[] = ['mcp-config', 'mcp-policy-proxy', 'mcp-tracehub', 'mcp-orchestrator-api', 'mcp-gateway'];
const apps = only.length ? order.filter((a) => only.includes(a)) : order;
const width = Math.max(...apps.map((a) => a.length));
const colors = [36, 35, 33, 32, 34];
const children = new Map<AppName, ChildProcess>();
let stopping = false;

function prefixLines(app: AppName, stream: NodeJS.ReadableStream, color: number): void {
  const tag = process.stdout.isTTY ? `\x1b[${color}m${app.padEnd(width)}\x1b[0m` : app.padEnd(width);
  createInterface({ input: stream }).on('line', (line) => process.stdout.write(`${tag} | ${line}\n`));
}

function launch(app: AppName, index: number): Promise<void> {
  const child = spawn(process.execPath, ['--enable-source-maps', resolve(root, 'dist/apps', app, 'src/main.js')], {
    cwd: root,
    env: { ...processEnvironment() },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.set(app, child);
  prefixLines(app, child.stdout!, colors[index % colors.length]!);
  prefixLines(app, child.stderr!, colors[index % colors.length]!);
  child.on('exit', (code, signal) => {
    children.delete(app);
    if (!stopping) {
      console.error(`${app} exited (${signal ?? code}); stopping the platform`);
      void stopAll(1);
    } else if (children.size === 0) process.exit(process.exitCode ?? 0);
  });
  return new Promise((res) => {
    const onLine = (chunk: Buffer) => {
      if (chunk.toString().includes('"msg":"ready"')) {
        child.stdout!.off('data', onLine);
        res();
      }
    };
    child.stdout!.on('data', onLine);
    child.once('exit', () => res());
  });
}

async function stopAll(code: number): Promise<void> {
  if (stopping) return;
  stopping = true;
  process.exitCode = code;
  console.log('stopping all apps…');
  for (const child of children.values()) child.kill('SIGTERM');
  if (children.size === 0) process.exit(code);
  setTimeout(() => {
    for (const child of children.values()) child.kill('SIGKILL');
    process.exit(code || 1);
  }, 20_000).unref();
}

process.on('SIGINT', () => void stopAll(0));
process.on('SIGTERM', () => void stopAll(0));

for (const [i, app] of apps.entries()) {
  if (stopping) break;
  await launch(app, i);
}
if (!stopping) {
  console.log(`platform up: gateway http://127.0.0.1:8080 (REST /v1, MCP /mcp, OpenAPI /docs); Ctrl-C stops it`);
}
