import { bool, int, list, natsEnv, oneOf, optional, port, redisEnv, runtimeEnv, str, url, type EnvOf } from '#env';

/** Every variable mcp-gateway reads, with its default for a local machine (docs/CONFIGURATION.md). */
export const gatewayEnvSchema = {
  ...runtimeEnv,
  ...natsEnv,
  ...redisEnv,
  HTTP_PORT: port(8080),
  /** The gateway's own public URL: the MCP resource identifier and the base of the RFC 9728 metadata. */
  PUBLIC_URL: url('http://127.0.0.1:8080', ['http', 'https']),

  AUTH_ISSUER: str('mcp-dev-issuer'),
  AUTH_AUDIENCE: str('mcp-platform'),
  AUTH_CLOCK_SKEW_SEC: int(30, { min: 0, max: 300 }),
  /** HS256 tokens signed with this secret are accepted (`npm run token`); unset outside production means DEV_HS256_SECRET. */
  AUTH_HS256_SECRET: optional(str(undefined, { secret: true, minLength: 32 })),
  /** RS256/ES256 tokens are verified against this JWKS (refetched on an unknown kid). */
  AUTH_JWKS_URL: optional(url(undefined, ['http', 'https'])),
  /** Authorization servers named in /.well-known/oauth-protected-resource. */
  AUTH_AUTHORIZATION_SERVERS: list([]),
  AUTH_TOKEN_CACHE_MAX: int(50_000, { min: 0, max: 10_000_000 }),
  API_KEY_CACHE_TTL_MS: int(60_000, { min: 0, max: 3_600_000 }),

  /** Per client (principal) per tenant, seed 003. */
  RATE_LIMIT_CLIENT_PER_MIN: int(60, { min: 1, max: 10_000_000 }),
  /** Per tenant when the tenant's config names no requests_per_minute. */
  RATE_LIMIT_TENANT_PER_MIN: int(1_000, { min: 1, max: 10_000_000 }),
  /** What to do when Redis cannot be asked: admit (open) or refuse with 503 (closed). */
  RATE_LIMIT_FAIL_MODE: oneOf(['open', 'closed'] as const, 'open'),

  POLICY_CACHE_TTL_MS: int(5_000, { min: 0, max: 600_000 }),
  POLICY_CACHE_MAX: int(100_000, { min: 0, max: 10_000_000 }),
  /**
   * While mcp-policy-proxy cannot be asked, a cached decision up to this long past its TTL still
   * answers (a policy change still drops it). 0 (default) fails closed: 503 until it is back.
   */
  POLICY_STALE_IF_UNAVAILABLE_MS: int(0, { min: 0, max: 3_600_000 }),

  /** Per-call timeout for every NATS request the gateway forwards. */
  DOWNSTREAM_TIMEOUT_MS: int(5_000, { min: 10, max: 120_000 }),
  BREAKER_FAILURE_THRESHOLD: int(5, { min: 1, max: 1000 }),
  BREAKER_OPEN_MS: int(60_000, { min: 100, max: 3_600_000 }),

  /** Origins allowed by CORS and on MCP requests (DNS-rebinding defence); empty allows none. */
  CORS_ORIGINS: list([]),
  /** Host names the MCP endpoints answer to; empty skips the Host check. */
  MCP_ALLOWED_HOSTS: list([]),
  MCP_SESSION_TTL_SEC: int(3_600, { min: 10, max: 7 * 86_400 }),
  /** Upper bound of one upstream tool call, elicitation and sampling round trips included. */
  MCP_TOOL_TIMEOUT_MS: int(60_000, { min: 100, max: 600_000 }),
  /** Stateless MCP: no session ids, each POST stands alone. */
  MCP_STATELESS: bool(false),
};

export type GatewayEnv = EnvOf<typeof gatewayEnvSchema>;

/**
 * Outside production an unset AUTH_HS256_SECRET falls back to this well-known development secret,
 * so `npm start` and `npm run token` work together with no set-up. Production never uses it.
 */
export const DEV_HS256_SECRET = 'dev-only-hs256-secret-never-use-in-production';

export function hs256SecretOf(env: Pick<GatewayEnv, 'AUTH_HS256_SECRET' | 'NODE_ENV'>): string | undefined {
  return env.AUTH_HS256_SECRET ?? (env.NODE_ENV === 'production' ? undefined : DEV_HS256_SECRET);
}
