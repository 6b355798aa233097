import { Strategy as PassportJwtStrategy, ExtractJwt, type StrategyOptionsWithoutRequest } from 'passport-jwt';
import type { JwtHeader, SigningKeyCallback } from 'jsonwebtoken';
import { CredentialRejected, principalFromClaims } from './claims.js';
import { JwksKeyStore } from './jwks-key-store.js';
import type { Principal } from './principal.js';

export interface JwtAuthConfig {
  issuer: string;
  audience: string;
  /** Seconds of clock difference tolerated on exp and nbf. */
  clockToleranceSec: number;
  /** Development only: accept HS256 tokens signed with this secret. */
  hs256Secret?: string;
  /** Accept RS256/ES256 tokens signed by a key from this JWKS document. */
  jwksUrl?: string;
  jwksMaxAgeMs?: number;
  jwksRefreshCooldownMs?: number;
}

/**
 * Allowed algorithms follow from the configured key sources, and each algorithm is bound to one
 * source: an HS256 token is only ever checked against the configured secret, an RS/ES token only
 * against a JWKS key of the matching type. That closes algorithm confusion (an RS public key used as
 * an HMAC secret) and `alg: none` (never in the list). With no key source at all the list is empty
 * and every token is refused (API keys still work).
 */
export function jwtStrategyOptions(config: JwtAuthConfig, keyStore?: JwksKeyStore): StrategyOptionsWithoutRequest {
  const jwks =
    keyStore ??
    (config.jwksUrl
      ? new JwksKeyStore({
          url: config.jwksUrl,
          maxAgeMs: config.jwksMaxAgeMs ?? 600_000,
          refreshCooldownMs: config.jwksRefreshCooldownMs ?? 30_000,
        })
      : undefined);
  const algorithms = [...(config.hs256Secret ? ['HS256'] : []), ...(jwks ? ['RS256', 'ES256'] : [])];
  const getKey = (header: JwtHeader, callback: SigningKeyCallback): void => {
    if (header.alg === 'HS256' && config.hs256Secret) {
      callback(null, config.hs256Secret);
    } else if ((header.alg === 'RS256' || header.alg === 'ES256') && jwks) {
      jwks.keyFor(header.kid, header.alg).then(
        (key) => callback(null, key as never),
        (err: unknown) => callback(err instanceof Error ? err : new CredentialRejected('key lookup failed')),
      );
    } else {
      callback(new CredentialRejected(`algorithm ${String(header.alg)} not accepted`));
    }
  };
  return {
    jwtFromRequest: ExtractJwt.fromAuthHeaderAsBearerToken(),
    // jsonwebtoken resolves a function key per token header; passport-jwt hands it through.
    secretOrKeyProvider: (_req: unknown, _raw: unknown, done: (err: unknown, key?: never) => void) => done(null, getKey as never),
    algorithms: algorithms as StrategyOptionsWithoutRequest['algorithms'],
    issuer: config.issuer,
    audience: config.audience,
    jsonWebTokenOptions: { clockTolerance: config.clockToleranceSec },
  };
}

/** The passport-jwt strategy: full signature and claim verification, then claims → principal. */
export class JwtStrategy extends PassportJwtStrategy {
  constructor(config: JwtAuthConfig, keyStore?: JwksKeyStore) {
    super(
      jwtStrategyOptions(config, keyStore),
      (payload: Record<string, unknown>, done: (err: unknown, user?: Principal | false, info?: unknown) => void) => {
        try {
          done(null, principalFromClaims(payload));
        } catch (err) {
          done(null, false, err);
        }
      },
    );
  }

  /** Runs the strategy against one bearer token outside passport's middleware chain. */
  verifyBearer(authorization: string): Promise<Principal> {
    return new Promise((resolve, reject) => {
      const strategy = Object.create(this) as PassportJwtStrategy & {
        success(user: Principal): void;
        fail(info?: unknown): void;
        error(err: unknown): void;
      };
      strategy.success = (user) => resolve(user);
      strategy.fail = (info) => reject(new CredentialRejected(info instanceof Error ? info.message : 'invalid token'));
      strategy.error = (err) => reject(new CredentialRejected(err instanceof Error ? err.message : 'verification error'));
      strategy.authenticate({ headers: { authorization } } as never, {});
    });
  }
}
