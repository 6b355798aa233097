import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto';

/**
 * Envelope encryption: each secret value is sealed with its own random data key (DEK,
 * AES-256-GCM) and the DEK is sealed with the key-encryption key (KEK) from the
 * environment. Rotating the KEK re-wraps DEKs only; secret ciphertexts never change.
 */

const KEY_BYTES = 32;
const IV_BYTES = 12;
const TAG_BYTES = 16;

export interface Kek {
  /** Fingerprint of the key (not the key): lets a row name which KEK wrapped its DEK. */
  id: string;
  key: Buffer;
}

/** What is stored for one secret. All binary fields are base64. */
export interface SealedSecret {
  kekId: string;
  wrappedDek: string;
  ciphertext: string;
}

export class KeyringError extends Error {}

/** Parses a base64 KEK as given in CONFIG_KEK; throws (without echoing the value) when unusable. */
export function parseKek(base64: string): Kek {
  const key = Buffer.from(base64, 'base64');
  if (key.length !== KEY_BYTES) throw new KeyringError(`a KEK must be ${KEY_BYTES} bytes of base64, got ${key.length} bytes`);
  return { id: createHash('sha256').update('mcp-config-kek\u0000').update(key).digest('hex').slice(0, 16), key };
}

function seal(key: Buffer, plaintext: Buffer, aad: string): string {
  const iv = randomBytes(IV_BYTES);
  const cipher = createCipheriv('aes-256-gcm', key, iv);
  cipher.setAAD(Buffer.from(aad, 'utf8'));
  const body = Buffer.concat([cipher.update(plaintext), cipher.final()]);
  return Buffer.concat([iv, cipher.getAuthTag(), body]).toString('base64');
}

function open(key: Buffer, sealed: string, aad: string): Buffer {
  const raw = Buffer.from(sealed, 'base64');
  if (raw.length < IV_BYTES + TAG_BYTES) throw new KeyringError('sealed value is truncated');
  const decipher = createDecipheriv('aes-256-gcm', key, raw.subarray(0, IV_BYTES));
  decipher.setAAD(Buffer.from(aad, 'utf8'));
  decipher.setAuthTag(raw.subarray(IV_BYTES, IV_BYTES + TAG_BYTES));
  try {
    return Buffer.concat([decipher.update(raw.subarray(IV_BYTES + TAG_BYTES)), decipher.final()]);
  } catch {
    throw new KeyringError('authentication failed (wrong key or tampered data)');
  }
}

/**
 * The current KEK plus the previous ones still needed to unwrap DEKs that have not been
 * re-wrapped yet. `aad` binds a ciphertext to its row (e.g. tenant + secret name), so a
 * sealed value copied onto another row does not decrypt.
 */
export class Keyring {
  private readonly byId = new Map<string, Kek>();

  constructor(
    readonly current: Kek,
    previous: Kek[] = [],
  ) {
    for (const k of [current, ...previous]) this.byId.set(k.id, k);
  }

  seal(plaintext: string, aad: string): SealedSecret {
    const dek = randomBytes(KEY_BYTES);
    try {
      return {
        kekId: this.current.id,
        wrappedDek: seal(this.current.key, dek, `dek\u0000${aad}`),
        ciphertext: seal(dek, Buffer.from(plaintext, 'utf8'), `value\u0000${aad}`),
      };
    } finally {
      dek.fill(0);
    }
  }

  open(sealed: SealedSecret, aad: string): string {
    const dek = this.unwrap(sealed, aad);
    try {
      return open(dek, sealed.ciphertext, `value\u0000${aad}`).toString('utf8');
    } finally {
      dek.fill(0);
    }
  }

  /** Re-wraps the DEK under the current KEK; returns null when it already is. */
  rewrap(sealed: SealedSecret, aad: string): SealedSecret | null {
    if (sealed.kekId === this.current.id) return null;
    const dek = this.unwrap(sealed, aad);
    try {
      return { kekId: this.current.id, wrappedDek: seal(this.current.key, dek, `dek\u0000${aad}`), ciphertext: sealed.ciphertext };
    } finally {
      dek.fill(0);
    }
  }

  private unwrap(sealed: SealedSecret, aad: string): Buffer {
    const kek = this.byId.get(sealed.kekId);
    if (!kek) throw new KeyringError(`no KEK with id ${sealed.kekId} is configured`);
    return open(kek.key, sealed.wrappedDek, `dek\u0000${aad}`);
  }
}
