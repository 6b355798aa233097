// `npm start`: runs the five apps on this machine (ports per DESIGN.md), each line of output
// prefixed with its app; Ctrl-C (or SIGTERM) stops them all gracefully.
import { spawn, type ChildProcess } from 'node:child_process';
import { resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { APP_NAMES, type AppName } from '#contracts';
import { processEnvironment } from '#env';

// Compiled to dist/scripts/start.js: the repository root is two levels up.
const root = resolve(import.meta.dirname, '../..');
const args = process.argv.slice(2);
const only = args.filter((a): a is AppName => (APP_NAMES as readonly string[]).includes(a));
// The OpenAI-compatible test backend on 8090 (tools/inference-backend) is what the default pools file
// points at; pass --no-inference-backend when SCHEDULER_POOLS_FILE names real servers.
const withInferenceBackend = !args.includes('--no-inference-backend');
// Config and policy first: the others ask them for tenants and decisions as they start.
const order: AppName[] = ['mcp-config', 'mcp-policy-proxy', 'mcp-tracehub', 'mcp-orchestrator-api', 'mcp-gateway'];
const apps = only.length ? order.filter((a) => only.includes(a)) : order;
type ProcessName = AppName | 'inference-backend';
const width = Math.max(...apps.map((a) => a.length), 'inference-backend'.length);
const colors = [36, 35, 33, 32, 34];
const children = new Map<ProcessName, ChildProcess>();
let stopping = false;

function prefixLines(app: ProcessName, stream: NodeJS.ReadableStream, color: number): void {
  const tag = process.stdout.isTTY ? `\x1b[${color}m${app.padEnd(width)}\x1b[0m` : app.padEnd(width);
  createInterface({ input: stream }).on('line', (line) => process.stdout.write(`${tag} | ${line}\n`));
}

function launch(app: ProcessName, index: number): Promise<void> {
  const entry =
    app === 'inference-backend'
      ? [resolve(root, 'tools/inference-backend/server.mjs'), '--port', '8090']
      : ['--enable-source-maps', resolve(root, 'dist/apps', app, 'src/main.js')];
  const child = spawn(process.execPath, entry, {
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
      if (/"msg":"ready"|"listening":/.test(chunk.toString())) {
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

const processes: ProcessName[] = [...(withInferenceBackend ? (['inference-backend'] as const) : []), ...apps];
for (const [i, name] of processes.entries()) {
  if (stopping) break;
  await launch(name, i);
}
if (!stopping) {
  console.log(`platform up: gateway http://127.0.0.1:8080 (REST /v1, MCP /mcp, OpenAPI /docs); Ctrl-C stops it`);
}
