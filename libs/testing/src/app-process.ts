import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import type { AppName } from '#contracts';
import { processEnvironment } from '#env';

export interface AppProcess {
  app: AppName;
  url: string;
  port: number;
  pid: number;
  child: ChildProcess;
  /** Everything the app printed so far (JSON log lines). */
  output(): string;
  /** SIGTERM and wait for exit (graceful shutdown). Resolves to the exit code. */
  stop(): Promise<number | null>;
  /** SIGKILL and wait (crash). */
  kill(): Promise<void>;
  exited(): Promise<number | null>;
}

const ROOT = resolve(import.meta.dirname, '../../../..');

export function appEntry(app: AppName): string {
  return resolve(ROOT, 'dist/apps', app, 'src/main.js');
}

/**
 * Boots one app through its real entry point (dist/apps/<app>/src/main.js) as a child process and
 * resolves once it logs `ready`. The environment starts from this process's, then quiet test
 * defaults, then `env`.
 */
export async function startApp(app: AppName, env: Record<string, string>, options: { timeoutMs?: number } = {}): Promise<AppProcess> {
  const entry = appEntry(app);
  if (!existsSync(entry)) throw new Error(`${entry} is missing: run the build (npm run build) first`);
  const child = spawn(process.execPath, ['--enable-source-maps', entry], {
    cwd: ROOT,
    env: { ...processEnvironment(), NODE_ENV: 'test', OTEL_SDK_DISABLED: 'true', HTTP_PORT: '0', SHUTDOWN_TIMEOUT_MS: '5000', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const exit = new Promise<number | null>((res) => child.once('exit', (code) => res(code)));
  const port = await new Promise<number>((res, rej) => {
    const timer = setTimeout(
      () => rej(new Error(`${app} did not become ready in time:\n${output.slice(-4000)}`)),
      options.timeoutMs ?? 90_000,
    );
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      const match = /"msg":"ready","httpPort":(\d+)/.exec(output);
      if (match) {
        clearTimeout(timer);
        res(Number(match[1]));
      }
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    void exit.then((code) => {
      clearTimeout(timer);
      rej(new Error(`${app} exited with ${code} before it was ready:\n${output.slice(-4000)}`));
    });
  });
  return {
    app,
    port,
    url: `http://127.0.0.1:${port}`,
    pid: child.pid!,
    child,
    output: () => output,
    exited: () => exit,
    async stop() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      return exit;
    },
    async kill() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      await exit;
    },
  };
}

/** Runs an app's entry with `env` and collects what it prints until it exits (for boot failures). */
export async function runAppToExit(
  app: AppName,
  env: Record<string, string>,
  timeoutMs = 60_000,
): Promise<{ code: number | null; stderr: string; stdout: string }> {
  const child = spawn(process.execPath, [appEntry(app)], {
    cwd: ROOT,
    env: { ...processEnvironment(), NODE_ENV: 'test', OTEL_SDK_DISABLED: 'true', HTTP_PORT: '0', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
  child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
  const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
  const code = await new Promise<number | null>((res) => child.once('exit', (c) => res(c)));
  clearTimeout(timer);
  return { code, stderr, stdout };
}
