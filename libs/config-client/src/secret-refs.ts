import type { JsonValue } from '#contracts';

/** Resolves one reference of a scheme (`vault`, `env`, `k8s`) to the secret's value. */
export type SecretResolver = (ref: string) => Promise<string> | string;

export class SecretRefError extends Error {}

const SECRET_KEY = '$secret';

/**
 * Replaces every `{"$secret": "<scheme>://…"}` in a value (as returned by config.entry.resolve)
 * with the value its scheme's resolver returns. Runs in the app that needs the secret, so env://
 * and k8s:// read that app's own environment. A reference without a resolver is an error, never
 * silently passed through; error messages name the scheme, not the reference.
 */
export async function resolveSecretRefs(value: JsonValue, resolvers: Partial<Record<string, SecretResolver>>): Promise<JsonValue> {
  if (typeof value !== 'object' || value === null) return value;
  if (Array.isArray(value)) return Promise.all(value.map((v) => resolveSecretRefs(v, resolvers)));
  const ref = value[SECRET_KEY];
  if (typeof ref === 'string' && Object.keys(value).length === 1) {
    const scheme = ref.split('://', 1)[0]!;
    const resolver = resolvers[scheme];
    if (!resolver) throw new SecretRefError(`no resolver for ${scheme}:// secret references`);
    return resolver(ref);
  }
  const entries = await Promise.all(Object.entries(value).map(async ([k, v]) => [k, await resolveSecretRefs(v, resolvers)] as const));
  return Object.fromEntries(entries);
}

/** env://NAME from the given environment (pass the app's parsed env or a subset of it). */
export function envSecretResolver(source: Record<string, string | undefined>): SecretResolver {
  return (ref) => {
    const value = source[ref.slice('env://'.length)];
    if (value === undefined) throw new SecretRefError('an env:// secret reference names an unset variable');
    return value;
  };
}
