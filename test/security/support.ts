import { createServer, type Server } from 'node:http';
import { connect } from 'node:net';
import { generateKeyPairSync } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { exportJWK } from 'jose';
import { eventually } from '#testing';
import type { E2EPlatform } from '../e2e/platform.js';

/** A JWKS endpoint serving one RSA key, as a real identity provider does. */
export class JwksServer {
  readonly rsa = generateKeyPairSync('rsa', { modulusLength: 2048 });
  private server?: Server;
  url = '';

  async start(): Promise<void> {
    const keys = [{ ...(await exportJWK(this.rsa.publicKey)), kid: 'rsa-1', use: 'sig', alg: 'RS256' }];
    this.server = createServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ keys }));
    });
    await new Promise<void>((r) => this.server!.listen(0, '127.0.0.1', r));
    this.url = `http://127.0.0.1:${(this.server!.address() as AddressInfo).port}/jwks.json`;
  }

  async stop(): Promise<void> {
    await new Promise((r) => (this.server ? this.server.close(r) : r(undefined)));
  }
}

/** One raw HTTP/1.1 exchange, for requests fetch refuses to send (CR/LF in headers, bad framing). */
export function rawHttp(port: number, request: string, timeoutMs = 5_000): Promise<{ status: number; head: string; body: string }> {
  return new Promise((res, rej) => {
    const socket = connect(port, '127.0.0.1');
    let data = '';
    const timer = setTimeout(() => {
      socket.destroy();
      rej(new Error(`no answer within ${timeoutMs} ms to ${JSON.stringify(request.slice(0, 120))}`));
    }, timeoutMs);
    socket.on('data', (c) => {
      data += c.toString('latin1');
      // One response is enough; the server may keep the connection open.
      const end = data.indexOf('\r\n\r\n');
      if (end >= 0) {
        const length = /content-length:\s*(\d+)/i.exec(data.slice(0, end));
        if (!length || data.length >= end + 4 + Number(length[1])) socket.end();
      }
    });
    socket.on('error', () => undefined);
    socket.on('close', () => {
      clearTimeout(timer);
      const end = data.indexOf('\r\n\r\n');
      const status = Number(/^HTTP\/1\.[01] (\d{3})/.exec(data)?.[1] ?? 0);
      res({ status, head: end >= 0 ? data.slice(0, end) : data, body: end >= 0 ? data.slice(end + 4) : '' });
    });
    socket.write(request, 'latin1');
  });
}

/** The gateway still answers its liveness probe: a crash or a wedged event loop fails this. */
export async function assertAlive(e2e: E2EPlatform): Promise<void> {
  await eventually(async () => (await fetch(e2e.url('/health/live'), { signal: AbortSignal.timeout(2_000) })).status === 200, 5_000);
}

/** Tenant schemas and the tenant registry: what a rejected request must never change. */
export async function platformState(e2e: E2EPlatform): Promise<string> {
  const schemas = await e2e.platform.database.query<{ nspname: string }>(
    `SELECT nspname FROM pg_namespace WHERE nspname LIKE 'tenant%' ORDER BY 1`,
  );
  const { tenants } = await e2e.admin<{ tenants: Array<{ id: string; status: string; version: number }> }>('config.tenant.list', {});
  return JSON.stringify({ schemas: schemas.rows.map((r) => r.nspname), tenants: tenants.map((t) => [t.id, t.status, t.version]) });
}
