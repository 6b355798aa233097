import { isDeepStrictEqual } from 'node:util';
import type { JsonValue } from '#contracts';

/** One change between two versions, in RFC 6902 vocabulary (add/remove/replace). */
export type DiffOp =
  { op: 'add'; path: string; value: JsonValue } | { op: 'remove'; path: string } | { op: 'replace'; path: string; value: JsonValue };

function escape(key: string): string {
  return key.replaceAll('~', '~0').replaceAll('/', '~1');
}

function isObject(value: JsonValue | undefined): value is { [key: string]: JsonValue } {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * Structural diff recorded with each version so history answers "what changed" without
 * the reader diffing snapshots. Objects are diffed per key; arrays are replaced whole
 * when they differ (positional diffs of reordered lists mislead more than they help).
 */
export function jsonDiff(before: JsonValue | undefined, after: JsonValue, path = ''): DiffOp[] {
  if (before === undefined) return [{ op: 'add', path, value: after }];
  if (isDeepStrictEqual(before, after)) return [];
  if (isObject(before) && isObject(after)) {
    const ops: DiffOp[] = [];
    for (const key of Object.keys(before)) {
      if (!Object.hasOwn(after, key)) ops.push({ op: 'remove', path: `${path}/${escape(key)}` });
    }
    for (const [key, value] of Object.entries(after)) {
      ops.push(...jsonDiff(Object.hasOwn(before, key) ? before[key] : undefined, value, `${path}/${escape(key)}`));
    }
    return ops;
  }
  return [{ op: 'replace', path, value: after }];
}
