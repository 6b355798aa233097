import { createPublicKey, type KeyObject } from 'node:crypto';
import { CredentialRejected } from './claims.js';

export interface JwksKeyStoreOptions {
  url: string;
  /** Keys are refetched after this age even when every kid is known (key rotation with reused kids). */
  maxAgeMs: number;
  /** An unknown kid triggers a refetch at most this often, so forged kids cannot hammer the issuer. */
  refreshCooldownMs: number;
  fetchJson?: (url: string) => Promise<unknown>;
  now?: () => number;
}

interface Jwk {
  kid?: string;
  kty?: string;
  use?: string;
  alg?: string;
  crv?: string;
}

const KEY_TYPE_FOR_ALG: Record<string, { kty: string; crv?: string }> = {
  RS256: { kty: 'RSA' },
  ES256: { kty: 'EC', crv: 'P-256' },
};

async function defaultFetchJson(url: string): Promise<unknown> {
  const res = await fetch(url, { signal: AbortSignal.timeout(5000), headers: { accept: 'application/json' } });
  if (!res.ok) throw new Error(`JWKS fetch answered ${res.status}`);
  return res.json();
}

/** Public signing keys from a JWKS URL, cached by kid and refetched when an unknown kid shows up. */
export class JwksKeyStore {
  private keys = new Map<string, { jwk: Jwk; key: KeyObject }>();
  private fetchedAt = Number.NEGATIVE_INFINITY;
  private inflight: Promise<void> | undefined;
  private readonly fetchJson: (url: string) => Promise<unknown>;
  private readonly now: () => number;

  constructor(private readonly options: JwksKeyStoreOptions) {
    this.fetchJson = options.fetchJson ?? defaultFetchJson;
    this.now = options.now ?? Date.now;
  }

  async keyFor(kid: string | undefined, alg: string): Promise<KeyObject> {
    const wanted = KEY_TYPE_FOR_ALG[alg];
    if (!wanted) throw new CredentialRejected(`algorithm ${alg} not accepted for JWKS keys`);
    if (this.now() - this.fetchedAt > this.options.maxAgeMs) await this.refresh();
    let found = this.find(kid, alg);
    if (!found && this.now() - this.fetchedAt >= this.options.refreshCooldownMs) {
      await this.refresh();
      found = this.find(kid, alg);
    }
    if (!found) throw new CredentialRejected('no matching signing key');
    return found;
  }

  private find(kid: string | undefined, alg: string): KeyObject | undefined {
    const wanted = KEY_TYPE_FOR_ALG[alg]!;
    const matches = (jwk: Jwk) =>
      jwk.kty === wanted.kty && (wanted.crv === undefined || jwk.crv === wanted.crv) && (jwk.alg === undefined || jwk.alg === alg);
    if (kid !== undefined) {
      const entry = this.keys.get(kid);
      return entry && matches(entry.jwk) ? entry.key : undefined;
    }
    // Without a kid the choice must be unambiguous.
    const candidates = [...this.keys.values()].filter((e) => matches(e.jwk));
    return candidates.length === 1 ? candidates[0]!.key : undefined;
  }

  private refresh(): Promise<void> {
    this.inflight ??= this.load().finally(() => {
      this.inflight = undefined;
    });
    return this.inflight;
  }

  private async load(): Promise<void> {
    let body: unknown;
    try {
      body = await this.fetchJson(this.options.url);
    } finally {
      // Failed fetches also count, so an unreachable issuer is not retried on every request.
      this.fetchedAt = this.now();
    }
    const list = (body as { keys?: unknown })?.keys;
    if (!Array.isArray(list)) throw new Error('JWKS document has no keys array');
    const next = new Map<string, { jwk: Jwk; key: KeyObject }>();
    list.forEach((raw: Jwk & Record<string, unknown>, i) => {
      if (raw.use !== undefined && raw.use !== 'sig') return;
      if (raw.kty !== 'RSA' && raw.kty !== 'EC') return;
      try {
        const key = createPublicKey({ key: raw as never, format: 'jwk' });
        next.set(raw.kid ?? `#${i}`, { jwk: raw, key });
      } catch {
        // A malformed entry must not hide the valid keys beside it.
      }
    });
    this.keys = next;
  }
}
