/**
 * A small typed environment schema. Each field parses one variable from a string and either
 * returns a typed value or throws with a reason that names what was expected, so an app given a
 * bad value stops at boot with one line instead of failing later somewhere else.
 */
export interface Field<T> {
  parse(raw: string | undefined): T;
  /** Secret values are never echoed back in error messages. */
  readonly secret?: boolean;
}

export class EnvError extends Error {
  constructor(
    readonly variable: string,
    readonly reason: string,
  ) {
    super(`Invalid environment: ${variable} ${reason}`);
    this.name = 'EnvError';
  }
}

class Reason extends Error {}

function shown(raw: string, secret?: boolean): string {
  return secret ? '(value hidden)' : JSON.stringify(raw.length > 80 ? `${raw.slice(0, 77)}...` : raw);
}

function field<T>(parse: (raw: string) => T, fallback: T | undefined, secret = false): Field<T> {
  return {
    secret,
    parse(raw) {
      if (raw === undefined || raw === '') {
        if (fallback === undefined) throw new Reason('is required but not set');
        return fallback;
      }
      return parse(raw);
    },
  };
}

export function str(fallback?: string, opts: { pattern?: RegExp; secret?: boolean; minLength?: number } = {}): Field<string> {
  return field(
    (raw) => {
      if (opts.pattern && !opts.pattern.test(raw)) throw new Reason(`must match ${opts.pattern}, got ${shown(raw, opts.secret)}`);
      if (opts.minLength && raw.length < opts.minLength) throw new Reason(`must be at least ${opts.minLength} characters long`);
      return raw;
    },
    fallback,
    opts.secret,
  );
}

/** A value that may be absent (empty string or unset) without a default. */
export function optional<T>(inner: Field<T>): Field<T | undefined> {
  return { secret: inner.secret, parse: (raw) => (raw === undefined || raw === '' ? undefined : inner.parse(raw)) };
}

export function int(fallback?: number, range: { min?: number; max?: number } = {}): Field<number> {
  const min = range.min ?? Number.MIN_SAFE_INTEGER;
  const max = range.max ?? Number.MAX_SAFE_INTEGER;
  return field((raw) => {
    const value = Number(raw);
    if (!/^-?\d+$/.test(raw.trim()) || value < min || value > max) {
      throw new Reason(`must be an integer between ${min} and ${max}, got ${shown(raw)}`);
    }
    return value;
  }, fallback);
}

export function port(fallback?: number): Field<number> {
  // 0 asks the OS for a free port (tests); anything else must be a real TCP port.
  return int(fallback, { min: 0, max: 65535 });
}

export function bool(fallback?: boolean): Field<boolean> {
  return field((raw) => {
    const v = raw.trim().toLowerCase();
    if (['1', 'true', 'yes', 'on'].includes(v)) return true;
    if (['0', 'false', 'no', 'off'].includes(v)) return false;
    throw new Reason(`must be true or false, got ${shown(raw)}`);
  }, fallback);
}

export function oneOf<const T extends string>(values: readonly T[], fallback?: T): Field<T> {
  return field((raw) => {
    if (!values.includes(raw as T)) throw new Reason(`must be one of ${values.join(', ')}, got ${shown(raw)}`);
    return raw as T;
  }, fallback);
}

export function url(fallback: string | undefined, protocols: string[], opts: { secret?: boolean } = {}): Field<string> {
  return field(
    (raw) => {
      let parsed: URL;
      try {
        parsed = new URL(raw);
      } catch {
        throw new Reason(`must be a URL (${protocols.join(' or ')}), got ${shown(raw, opts.secret)}`);
      }
      if (!protocols.includes(parsed.protocol.replace(/:$/, ''))) {
        throw new Reason(`must use ${protocols.join(' or ')}, got ${parsed.protocol.replace(/:$/, '')}`);
      }
      return raw;
    },
    fallback,
    opts.secret,
  );
}

export function list(fallback?: string[]): Field<string[]> {
  return field(
    (raw) =>
      raw
        .split(',')
        .map((s) => s.trim())
        .filter(Boolean),
    fallback,
  );
}

/** Base64 key of an exact byte length (e.g. a 32-byte AES key). */
export function key(bytes: number, fallback?: string): Field<Buffer> {
  return field(
    (raw) => {
      const buf = Buffer.from(raw, 'base64');
      if (buf.length !== bytes || buf.toString('base64').replace(/=+$/, '') !== raw.trim().replace(/=+$/, '')) {
        throw new Reason(`must be ${bytes} bytes encoded as base64`);
      }
      return buf;
    },
    fallback === undefined ? undefined : Buffer.from(fallback, 'base64'),
    true,
  );
}

export type Schema = Record<string, Field<unknown>>;
export type EnvOf<S extends Schema> = { readonly [K in keyof S]: S[K] extends Field<infer T> ? T : never };

/** Parses every variable of the schema; the first bad one throws an EnvError naming it. */
export function parseEnv<S extends Schema>(schema: S, source: Record<string, string | undefined>): EnvOf<S> {
  const out: Record<string, unknown> = {};
  for (const [name, f] of Object.entries(schema)) {
    try {
      out[name] = f.parse(source[name]);
    } catch (err) {
      if (err instanceof Reason) throw new EnvError(name, err.message);
      throw err;
    }
  }
  return Object.freeze(out) as EnvOf<S>;
}
