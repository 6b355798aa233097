/** What replaces a masked value in the decision log. */
export const MASK = '[masked]';

// Keys that carry credentials are masked wherever they appear, whatever the configuration says.
const SECRET_KEY = /pass(word)?|secret|token|authorization|api[-_]?key|cookie|credential|private[-_]?key/i;

/** Configured mask paths as a trie: `*` matches any key at its level; a leaf masks what it reaches. */
export interface MaskTrie {
  readonly leaf: boolean;
  readonly children: ReadonlyMap<string, MaskTrie>;
}

export function compileMask(paths: readonly string[]): MaskTrie {
  const root = { leaf: false, children: new Map<string, MaskTrie>() };
  for (const path of paths) {
    let node = root;
    for (const key of path.split('.')) {
      let next = node.children.get(key) as typeof root | undefined;
      if (!next) node.children.set(key, (next = { leaf: false, children: new Map() }));
      node = next;
    }
    node.leaf = true;
  }
  return root;
}

const byKey = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

/**
 * The decision input as it is logged, in one pass: JSON with keys sorted at every level (so the
 * stored text, and so its hash, does not depend on key order), every configured path and every
 * credential-looking key replaced by MASK. Undefined members are dropped as JSON.stringify does.
 */
export function maskedCanonicalJson(value: unknown, mask: MaskTrie): string {
  return write(value, [mask]);
}

function write(value: unknown, active: readonly MaskTrie[]): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value) ?? 'null';
  if (Array.isArray(value)) return `[${value.map((v) => (v === undefined ? 'null' : write(v, active))).join(',')}]`;
  const obj = value as Record<string, unknown>;
  let out = '';
  for (const key of Object.keys(obj).sort(byKey)) {
    const v = obj[key];
    if (v === undefined) continue;
    let masked = SECRET_KEY.test(key);
    const next: MaskTrie[] = [];
    for (const node of active) {
      for (const child of [node.children.get(key), node.children.get('*')]) {
        if (!child) continue;
        if (child.leaf) masked = true;
        else next.push(child);
      }
    }
    out += `${out ? ',' : ''}${JSON.stringify(key)}:${masked ? JSON.stringify(MASK) : write(v, next)}`;
  }
  return `{${out}}`;
}
