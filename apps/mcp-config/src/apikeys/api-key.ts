import { createHmac, randomBytes } from 'node:crypto';

/**
 * API keys look like `mcpk_<prefix>_<secret>`: the prefix (8 chars) is stored in clear so
 * an operator can recognise a key in a listing; the whole key is stored only as
 * HMAC-SHA256 under API_KEY_PEPPER. A database dump without the pepper cannot be used to
 * test guesses offline, and verification is one indexed lookup by hash (the HMAC is
 * deterministic), so no per-key salt or slow KDF is needed for 190 bits of randomness.
 */
const KEY_PATTERN = /^mcpk_([A-Za-z0-9]{8})_([A-Za-z0-9_-]{32})$/;

export interface IssuedKey {
  /** The full key: returned once, at creation, never stored. */
  key: string;
  prefix: string;
  hash: string;
}

export function issueApiKey(pepper: Buffer): IssuedKey {
  const prefix = randomBytes(6).toString('base64url').replace(/[-_]/g, 'x').slice(0, 8);
  const key = `mcpk_${prefix}_${randomBytes(24).toString('base64url')}`;
  return { key, prefix, hash: hashApiKey(pepper, key) };
}

export function hashApiKey(pepper: Buffer, key: string): string {
  return createHmac('sha256', pepper).update(key, 'utf8').digest('hex');
}

/** Cheap shape check so malformed input is refused before any lookup. */
export function looksLikeApiKey(key: string): boolean {
  return KEY_PATTERN.test(key);
}
