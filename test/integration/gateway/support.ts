import { createServer, type Server } from 'node:http';
import { generateKeyPairSync, type KeyObject } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { exportJWK, SignJWT } from 'jose';
import { mintDevToken } from '#auth';
import type { RpcReply } from '#contracts';
import type { NatsTestClient } from '#testing';

export const ISSUER = 'https://idp.test';
export const AUDIENCE = 'mcp-platform';
export const HS_SECRET = 'integration-test-secret-0123456789abcdef';

/** A real HTTP JWKS endpoint with one RSA and one EC signing key, as an identity provider serves it. */
export class TestIdentityProvider {
  readonly rsa = generateKeyPairSync('rsa', { modulusLength: 2048 });
  readonly ec = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  private server!: Server;
  url = '';

  async start(): Promise<void> {
    const keys = [
      { ...(await exportJWK(this.rsa.publicKey)), kid: 'rsa-1', use: 'sig', alg: 'RS256' },
      { ...(await exportJWK(this.ec.publicKey)), kid: 'ec-1', use: 'sig', alg: 'ES256' },
    ];
    this.server = createServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ keys }));
    });
    await new Promise<void>((r) => this.server.listen(0, '127.0.0.1', r));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/jwks.json`;
  }

  async stop(): Promise<void> {
    await new Promise((r) => this.server.close(r));
  }

  sign(
    alg: 'RS256' | 'ES256',
    claims: Record<string, unknown>,
    opts: { aud?: string; exp?: number | string; kid?: string } = {},
  ): Promise<string> {
    const key: KeyObject = alg === 'RS256' ? this.rsa.privateKey : this.ec.privateKey;
    return new SignJWT(claims)
      .setProtectedHeader({ alg, kid: opts.kid ?? (alg === 'RS256' ? 'rsa-1' : 'ec-1') })
      .setIssuer(ISSUER)
      .setAudience(opts.aud ?? AUDIENCE)
      .setIssuedAt()
      .setExpirationTime(opts.exp ?? '10m')
      .sign(key);
  }
}

export function devToken(sub: string, tenants: string[], roles: string[], ttlSec = 600): string {
  return mintDevToken({ secret: HS_SECRET, issuer: ISSUER, audience: AUDIENCE, subject: sub, tenants, roles, ttlSec });
}

export function gatewayEnv(idp: TestIdentityProvider, extra: Record<string, string> = {}): Record<string, string> {
  return {
    AUTH_ISSUER: ISSUER,
    AUTH_AUDIENCE: AUDIENCE,
    AUTH_HS256_SECRET: HS_SECRET,
    AUTH_JWKS_URL: idp.url,
    AUTH_CLOCK_SKEW_SEC: '5',
    ...extra,
  };
}

/** A NATS request that must succeed; returns the reply's data. */
export async function rpc<T>(nats: NatsTestClient, subject: string, payload: unknown, timeoutMs = 10_000): Promise<T> {
  const reply: RpcReply<unknown> = await nats.request(subject, payload, timeoutMs);
  if ('error' in reply) throw new Error(`${subject}: ${JSON.stringify(reply.error)}`);
  return reply.data as T;
}

export async function onboard(nats: NatsTestClient, tenantId: string, features: string[] = [], requestsPerMinute = 10_000): Promise<void> {
  await rpc(nats, 'config.tenant.onboard', {
    tenantId,
    name: tenantId,
    features,
    limits: { requests_per_minute: requestsPerMinute, concurrent_contexts: 10 },
    actor: 'integration-test',
  });
}

export function auth(token: string, tenant?: string, extra: Record<string, string> = {}): Record<string, string> {
  return { authorization: `Bearer ${token}`, ...(tenant ? { 'x-tenant-id': tenant } : {}), ...extra };
}
