import { DomainError, ErrorCode } from '#contracts';
import { isRef } from './definition.js';

export interface MappingContext {
  input: unknown;
  steps: Record<string, { output: unknown }>;
}

/** Replaces every `{ "$ref": path }` in the template with the value found at that path. */
export function resolveTemplate(template: unknown, ctx: MappingContext): unknown {
  if (Array.isArray(template)) return template.map((t) => resolveTemplate(t, ctx));
  if (template && typeof template === 'object') {
    const obj = template as Record<string, unknown>;
    if (isRef(obj)) return lookup(obj.$ref as string, ctx);
    return Object.fromEntries(Object.entries(obj).map(([k, v]) => [k, resolveTemplate(v, ctx)]));
  }
  return template;
}

function lookup(path: string, ctx: MappingContext): unknown {
  let current: unknown = ctx;
  for (const part of path.split('.')) {
    // Own properties only: a path like "input.__proto__" must not reach into prototypes.
    if (current !== null && typeof current === 'object' && Object.prototype.hasOwnProperty.call(current, part)) {
      current = (current as Record<string, unknown>)[part];
    } else {
      throw new DomainError(ErrorCode.VALIDATION_FAILED, `input mapping "${path}" does not resolve`, { ref: path, missing: part });
    }
  }
  return current;
}
