import type { JsonValue } from '#contracts';

/**
 * Config values may point at secrets with `{"$secret": "<ref>"}`. The reference itself is
 * sensitive (it names where the credential lives and, for config://, which row holds it),
 * so the read API replaces every such object with REDACTED_SECRET.
 *
 * Accepted refs:
 *   vault://<path>[#<field>]            resolved by the consuming app's Vault client
 *   env://<NAME>                        an environment variable of the consuming app
 *   k8s://<namespace>/<name>/<key>      a Kubernetes Secret key
 *   config://<name>                     a value stored encrypted by mcp-config (config.secret.put)
 */
export const SECRET_KEY = '$secret';
export const REDACTED_SECRET = Object.freeze({ [SECRET_KEY]: '[redacted]' });

const REF_PATTERNS: Record<string, RegExp> = {
  vault: /^vault:\/\/[A-Za-z0-9._/-]+(#[A-Za-z0-9._-]+)?$/,
  env: /^env:\/\/[A-Z_][A-Z0-9_]*$/,
  k8s: /^k8s:\/\/[a-z0-9]([-a-z0-9]*[a-z0-9])?\/[a-z0-9]([-.a-z0-9]*[a-z0-9])?\/[-._A-Za-z0-9]+$/,
  config: /^config:\/\/[a-z0-9][a-z0-9._-]{0,127}$/,
};

function isObject(value: JsonValue): value is { [key: string]: JsonValue } {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function isSecretRef(value: JsonValue): value is { [SECRET_KEY]: JsonValue } {
  return isObject(value) && Object.hasOwn(value, SECRET_KEY);
}

export interface RefProblem {
  /** JSON pointer of the offending reference object (or its `$secret` member). */
  path: string;
  message: string;
}

/** Malformed secret references in a value (empty when all are valid). */
export function invalidSecretRefs(value: JsonValue, path = ''): RefProblem[] {
  if (isSecretRef(value)) {
    const ref = value[SECRET_KEY];
    const keys = Object.keys(value);
    if (keys.length !== 1) return [{ path, message: `a secret reference has only the "${SECRET_KEY}" key` }];
    if (typeof ref !== 'string') return [{ path: `${path}/${SECRET_KEY}`, message: 'must be a string' }];
    const scheme = ref.split('://', 1)[0]!;
    const pattern = REF_PATTERNS[scheme];
    if (!pattern) return [{ path: `${path}/${SECRET_KEY}`, message: 'unknown scheme (vault://, env://, k8s://, config://)' }];
    return pattern.test(ref) ? [] : [{ path: `${path}/${SECRET_KEY}`, message: `malformed ${scheme}:// reference` }];
  }
  if (Array.isArray(value)) return value.flatMap((v, i) => invalidSecretRefs(v, `${path}/${i}`));
  if (isObject(value)) {
    return Object.entries(value).flatMap(([k, v]) => invalidSecretRefs(v, `${path}/${k.replaceAll('~', '~0').replaceAll('/', '~1')}`));
  }
  return [];
}

/** A copy of `value` with every secret reference replaced by REDACTED_SECRET. */
export function redactSecretRefs(value: JsonValue): JsonValue {
  if (isSecretRef(value)) return { ...REDACTED_SECRET };
  if (Array.isArray(value)) return value.map(redactSecretRefs);
  if (isObject(value)) return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, redactSecretRefs(v)]));
  return value;
}
