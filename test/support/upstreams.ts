import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import { resolve } from 'node:path';
import { processEnvironment } from '#env';

const ROOT = resolve(import.meta.dirname, '../../..');

export interface Upstream {
  url: string;
  port: number;
  child: ChildProcess;
  output(): string;
  stop(): Promise<void>;
}

async function freePort(): Promise<number> {
  return new Promise((res, rej) => {
    const s = createServer();
    s.once('error', rej);
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => res(port));
    });
  });
}

function launch(
  args: string[],
  ready: (out: string) => number | undefined,
  what: string,
  env: Record<string, string> = {},
  timeoutMs = 20_000,
): Promise<Upstream> {
  const child = spawn(process.execPath, args, { cwd: ROOT, env: { ...processEnvironment(), ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  return new Promise((res, rej) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      rej(new Error(`${what} did not start:\n${out}`));
    }, timeoutMs);
    const onData = (c: Buffer) => {
      out += c.toString();
      const port = ready(out);
      if (port) {
        clearTimeout(timer);
        const exited = new Promise<void>((r) => child.once('exit', () => r()));
        res({
          url: `http://127.0.0.1:${port}`,
          port,
          child,
          output: () => out,
          async stop() {
            if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
            await exited;
          },
        });
      }
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    child.once('exit', (code) => {
      clearTimeout(timer);
      rej(new Error(`${what} exited with ${code}:\n${out}`));
    });
  });
}

/** `@modelcontextprotocol/server-everything` in Streamable HTTP mode (it takes its port from PORT). */
export async function startEverything(): Promise<Upstream> {
  const port = await freePort();
  const entry = resolve(ROOT, 'node_modules/@modelcontextprotocol/server-everything/dist/index.js');
  const child = launch(
    [entry, 'streamableHttp'],
    (o) => (o.includes(`listening on port ${port}`) ? port : undefined),
    'server-everything',
    { PORT: String(port) },
  );
  return child.then((u) => ({ ...u, url: `http://127.0.0.1:${port}/mcp` }));
}

/** The project's counter MCP server (test/support/counter-mcp-server.ts). */
export async function startCounter(callDelayMs = 0, requireToken?: string): Promise<Upstream> {
  const entry = resolve(ROOT, 'dist/test/support/counter-mcp-server.js');
  const u = await launch(
    [entry, '--port', '0', '--call-delay-ms', String(callDelayMs), ...(requireToken ? ['--require-token', requireToken] : [])],
    (o) => {
      const m = /\{"listening":(\d+)\}/.exec(o);
      return m ? Number(m[1]) : undefined;
    },
    'counter server',
  );
  return { ...u, url: `${u.url}/mcp` };
}

export interface CounterStats {
  completions: Record<string, number>;
  executions: Record<string, number>;
  inFlight: number;
  failAttempts: { key: string; at: number }[];
  addRevision: number;
}

export async function counterStats(u: Upstream): Promise<CounterStats> {
  return (await fetch(`http://127.0.0.1:${u.port}/admin/stats`)).json() as Promise<CounterStats>;
}

export async function mutateCounter(u: Upstream): Promise<void> {
  await fetch(`http://127.0.0.1:${u.port}/admin/mutate`, { method: 'POST' });
}

/** The OpenAI-compatible test backend (tools/inference-backend). */
export async function startInferenceBackend(name: string, opts: { latencyMs?: number; tokensPerSecond?: number } = {}): Promise<Upstream> {
  const entry = resolve(ROOT, 'tools/inference-backend/server.mjs');
  const u = await launch(
    [
      entry,
      '--port',
      '0',
      '--name',
      name,
      '--latency-ms',
      String(opts.latencyMs ?? 5),
      '--tokens-per-second',
      String(opts.tokensPerSecond ?? 2000),
    ],
    (o) => {
      const m = /\{"listening":(\d+)/.exec(o);
      return m ? Number(m[1]) : undefined;
    },
    `inference backend ${name}`,
  );
  return { ...u, url: `${u.url}/v1` };
}
