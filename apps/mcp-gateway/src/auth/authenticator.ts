import { Inject, Injectable, Logger } from '@nestjs/common';
import { Counter } from 'prom-client';
import { DomainError, ErrorCode } from '#contracts';
import { APP_ENV } from '#env';
import { ApiKeyCache, apiKeyDigest, CredentialRejected, JwtStrategy, VerifiedTokenCache, type ApiKeyGrant, type Principal } from '#auth';
import { hs256SecretOf, type GatewayEnv } from '../env.js';
import { ConfigLink } from '../config/config-link.js';

const authFailures = new Counter({
  name: 'gateway_auth_failures_total',
  help: 'Requests refused with 401, by credential kind',
  labelNames: ['kind'],
});

/** One message for every credential failure, so a caller learns nothing about why. */
export function unauthenticated(): DomainError {
  return new DomainError(ErrorCode.UNAUTHENTICATED, 'Authentication required');
}

/**
 * Establishes the principal of a request: `X-API-Key` (machine clients) or a Bearer JWT. A verified
 * token is served from memory until it expires; a verified API key until a short TTL passes or a
 * revocation event drops it.
 */
@Injectable()
export class Authenticator {
  private readonly strategy: JwtStrategy;
  private readonly tokens: VerifiedTokenCache;
  private readonly apiKeys: ApiKeyCache;

  constructor(
    @Inject(APP_ENV) env: GatewayEnv,
    private readonly config: ConfigLink,
  ) {
    const hs256Secret = hs256SecretOf(env);
    this.strategy = new JwtStrategy({
      issuer: env.AUTH_ISSUER,
      audience: env.AUTH_AUDIENCE,
      clockToleranceSec: env.AUTH_CLOCK_SKEW_SEC,
      ...(hs256Secret ? { hs256Secret } : {}),
      ...(env.AUTH_JWKS_URL ? { jwksUrl: env.AUTH_JWKS_URL } : {}),
    });
    if (!hs256Secret && !env.AUTH_JWKS_URL) {
      new Logger('Authenticator').warn(
        'Neither AUTH_JWKS_URL nor AUTH_HS256_SECRET is set: every bearer token is refused, only API keys work',
      );
    }
    this.tokens = new VerifiedTokenCache(env.AUTH_TOKEN_CACHE_MAX);
    this.apiKeys = new ApiKeyCache(env.API_KEY_CACHE_TTL_MS, 100_000);
    config.onApiKeyRevoked((keyId) => this.apiKeys.revoke(keyId));
    // Revocations inside a missed range of config events are not replayed one by one.
    config.onResynced(() => this.apiKeys.clear());
  }

  async authenticate(headers: Record<string, string | string[] | undefined>): Promise<Principal> {
    const apiKey = headers['x-api-key'];
    if (apiKey !== undefined) {
      if (typeof apiKey !== 'string' || apiKey.length === 0 || apiKey.length > 200) throw this.fail('api-key');
      return this.viaApiKey(apiKey);
    }
    const authorization = headers['authorization'];
    if (typeof authorization !== 'string' || !authorization.startsWith('Bearer ')) throw this.fail('none');
    const token = authorization.slice(7);
    const cached = this.tokens.get(token);
    if (cached) return cached;
    try {
      const principal = await this.strategy.verifyBearer(authorization);
      this.tokens.set(token, principal);
      return principal;
    } catch (err) {
      if (err instanceof CredentialRejected) throw this.fail('jwt');
      throw err;
    }
  }

  private async viaApiKey(rawKey: string): Promise<Principal> {
    const digest = apiKeyDigest(rawKey);
    const cached = this.apiKeys.get(digest);
    if (cached) return cached;
    let grant: ApiKeyGrant;
    try {
      grant = await this.config.verifyApiKey(rawKey);
    } catch (err) {
      if (err instanceof DomainError && (err.code === ErrorCode.UNAUTHENTICATED || err.code === ErrorCode.VALIDATION_FAILED)) {
        throw this.fail('api-key');
      }
      throw err;
    }
    return this.apiKeys.set(digest, grant);
  }

  private fail(kind: string): DomainError {
    authFailures.inc({ kind });
    return unauthenticated();
  }
}
