// Who is reading. Every read in SpanStore takes a scope and turns it into a predicate, so a query
// without tenant filtering cannot be written by forgetting one: the only unfiltered scope is `all`,
// which only a platform-admin principal or the operator's HTTP credential produces.
export type SpanScope = { readonly kind: 'tenant'; readonly tenantId: string } | { readonly kind: 'all' };

export const ALL_TENANTS: SpanScope = Object.freeze({ kind: 'all' });

export function tenantScope(tenantId: string): SpanScope {
  return Object.freeze({ kind: 'tenant', tenantId });
}

/** Positional parameters for one statement; values never enter SQL text. */
export class SqlParams {
  readonly values: unknown[] = [];
  add(value: unknown): string {
    this.values.push(value);
    return `$${this.values.length}`;
  }
  /** A microsecond epoch as timestamptz without a detour through floating point seconds. */
  micros(us: number): string {
    return `(timestamptz 'epoch' + ${this.add(Math.trunc(us))}::bigint * interval '1 microsecond')`;
  }
}

export function scopePredicate(scope: SpanScope, params: SqlParams, column = 'tenant_id'): string {
  return scope.kind === 'all' ? 'TRUE' : `${column} = ${params.add(scope.tenantId)}`;
}
