/** What replaces a masked value in the decision log. */
export const MASK = '[masked]';

// Keys that carry credentials are masked wherever they appear, whatever the configuration says.
const SECRET_KEY = /(pass(word)?|secret|token|authorization|api[-_]?key|cookie|credential|private[-_]?key)/i;

/**
 * Masks a decision input before it is logged: every configured dotted path (e.g.
 * `subject.attributes.email`, `*` matches any key at that level) and every key that looks like a
 * credential at any depth. Returns a new value; the input is not modified.
 */
export function maskInput(value: unknown, paths: readonly string[]): unknown {
  const split = paths.map((p) => p.split('.'));
  const walk = (v: unknown, active: string[][]): unknown => {
    if (Array.isArray(v)) return v.map((x) => walk(x, active));
    if (v === null || typeof v !== 'object') return v;
    const out: Record<string, unknown> = {};
    for (const [k, child] of Object.entries(v as Record<string, unknown>)) {
      const here = active.filter((p) => p[0] === k || p[0] === '*');
      if (SECRET_KEY.test(k) || here.some((p) => p.length === 1)) out[k] = MASK;
      else out[k] = walk(child, here.map((p) => p.slice(1)));
    }
    return out;
  };
  return walk(value, split);
}
