import { createHmac } from 'node:crypto';

export interface DevTokenInput {
  secret: string;
  issuer: string;
  audience: string;
  subject: string;
  tenants: string[];
  roles: string[];
  ttlSec: number;
  nowSec?: number;
}

const b64url = (data: string | Buffer) => Buffer.from(data).toString('base64url');

/** An HS256 token for local development; production issuers sign RS256/ES256 and publish a JWKS. */
export function mintDevToken(input: DevTokenInput): string {
  const iat = input.nowSec ?? Math.floor(Date.now() / 1000);
  const header = b64url(JSON.stringify({ alg: 'HS256', typ: 'JWT' }));
  const payload = b64url(
    JSON.stringify({
      sub: input.subject,
      iss: input.issuer,
      aud: input.audience,
      iat,
      nbf: iat,
      exp: iat + input.ttlSec,
      tenants: input.tenants,
      roles: input.roles,
    }),
  );
  const signature = createHmac('sha256', input.secret).update(`${header}.${payload}`).digest('base64url');
  return `${header}.${payload}.${signature}`;
}
