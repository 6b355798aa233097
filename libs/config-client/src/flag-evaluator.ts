import type { AttributeValue, EvaluationContext, FlagClause, FlagDefinition, FlagEvaluation, FlagServe, JsonValue } from '#contracts';

/** Bucket resolution: 0..99.999 in steps of 0.001, finer than any weight we accept (0.01). */
const BUCKET_SCALE = 100_000;

/**
 * MurmurHash3 (x86, 32-bit) over the string's UTF-16 code units. A fast non-cryptographic hash
 * with full avalanche: bucketing needs uniformity and stability, not secrecy, and a per-call
 * SHA-256 measured ~15 µs on the shared build machine against well under 1 µs for this.
 */
function murmur3(text: string, seed = 0): number {
  let h = seed >>> 0;
  const length = text.length;
  let i = 0;
  for (; i + 1 < length; i += 2) {
    let k = (text.charCodeAt(i) | (text.charCodeAt(i + 1) << 16)) >>> 0;
    k = Math.imul(k, 0xcc9e2d51);
    k = (k << 15) | (k >>> 17);
    k = Math.imul(k, 0x1b873593);
    h ^= k;
    h = (h << 13) | (h >>> 19);
    h = (Math.imul(h, 5) + 0xe6546b64) >>> 0;
  }
  if (i < length) {
    let k = text.charCodeAt(i);
    k = Math.imul(k, 0xcc9e2d51);
    k = (k << 15) | (k >>> 17);
    k = Math.imul(k, 0x1b873593);
    h ^= k;
  }
  h ^= length * 2;
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/**
 * Stable bucket in [0, 100) for a subject of a flag. Hashing the flag key together with
 * the subject keeps one user's buckets independent across flags (the same 10% of users
 * do not get every experiment), and depends on nothing but the two strings, so every
 * app and every replica puts the same user in the same bucket.
 */
export function bucketOf(flagKey: string, subjectKey: string): number {
  return (murmur3(`${flagKey}\u0000${subjectKey}`) % BUCKET_SCALE) / (BUCKET_SCALE / 100);
}

function attributeOf(context: EvaluationContext, attribute: string): AttributeValue | undefined {
  if (attribute === 'tenantId') return context.tenantId;
  if (attribute === 'userId') return context.userId;
  return context.attributes?.[attribute];
}

function scalarMatches(op: FlagClause['op'], actual: string | number | boolean, expected: string | number | boolean): boolean {
  switch (op) {
    case 'in':
    case 'notIn':
      return actual === expected;
    case 'contains':
      return typeof actual === 'string' && typeof expected === 'string' && actual.includes(expected);
    case 'startsWith':
      return typeof actual === 'string' && typeof expected === 'string' && actual.startsWith(expected);
    case 'lt':
      return typeof actual === 'number' && typeof expected === 'number' && actual < expected;
    case 'lte':
      return typeof actual === 'number' && typeof expected === 'number' && actual <= expected;
    case 'gt':
      return typeof actual === 'number' && typeof expected === 'number' && actual > expected;
    case 'gte':
      return typeof actual === 'number' && typeof expected === 'number' && actual >= expected;
  }
}

export function clauseMatches(clause: FlagClause, context: EvaluationContext): boolean {
  const actual = attributeOf(context, clause.attribute);
  if (actual === undefined) return false;
  const actuals = Array.isArray(actual) ? actual : [actual];
  const any = actuals.some((a) => clause.values.some((v) => scalarMatches(clause.op, a, v)));
  return clause.op === 'notIn' ? !any : any;
}

function bucketKey(context: EvaluationContext, bucketBy: string | undefined): string | undefined {
  if (bucketBy) {
    const value = attributeOf(context, bucketBy);
    return value === undefined ? undefined : String(value);
  }
  return context.userId ?? context.tenantId;
}

function variationFor(flag: FlagDefinition, serve: FlagServe, context: EvaluationContext): number {
  if ('variation' in serve) return serve.variation;
  const key = bucketKey(context, serve.bucketBy);
  // Without a key there is nothing stable to hash; bucket 0 serves the first slice,
  // which keeps anonymous traffic deterministic instead of random per call.
  const bucket = key === undefined ? 0 : bucketOf(flag.key, key);
  let upper = 0;
  for (const slice of serve.rollout) {
    upper += slice.weight;
    if (bucket < upper) return slice.variation;
  }
  // Weights are validated to sum to 100; float rounding can leave the last sliver uncovered.
  return serve.rollout[serve.rollout.length - 1]!.variation;
}

function served(flag: FlagDefinition, variation: number, reason: FlagEvaluation['reason'], ruleId?: string): FlagEvaluation {
  const result: FlagEvaluation = { value: flag.variations[variation] ?? null, variation, reason };
  if (ruleId !== undefined) result.ruleId = ruleId;
  return result;
}

/** Evaluates one flag for one subject. Pure: no I/O, no clock, no randomness. */
export function evaluateFlag(flag: FlagDefinition, context: EvaluationContext): FlagEvaluation {
  if (flag.killed) return served(flag, flag.offVariation, 'KILLED');
  if (!flag.enabled) return served(flag, flag.offVariation, 'OFF');
  for (const rule of flag.rules) {
    if (rule.clauses.every((c) => clauseMatches(c, context))) {
      return served(flag, variationFor(flag, rule.serve, context), 'RULE_MATCH', rule.id);
    }
  }
  return served(flag, variationFor(flag, flag.fallthrough, context), 'FALLTHROUGH');
}

export function notFound<T extends JsonValue>(fallback: T): FlagEvaluation<T> {
  return { value: fallback, variation: null, reason: 'FLAG_NOT_FOUND' };
}

/**
 * Structural checks a flag must pass before it is stored (the service) or trusted (the
 * client). Returns the failing paths; empty means valid.
 */
export function flagDefinitionProblems(flag: Omit<FlagDefinition, 'version' | 'killed' | 'updatedAt' | 'updatedBy'>): string[] {
  const problems: string[] = [];
  const n = flag.variations.length;
  const isIndex = (i: number) => Number.isInteger(i) && i >= 0 && i < n;
  if (flag.kind === 'boolean' && !(n === 2 && flag.variations[0] === false && flag.variations[1] === true)) {
    problems.push('/variations: a boolean flag has exactly [false, true]');
  }
  if (flag.kind === 'multivariate' && n < 2) problems.push('/variations: a multivariate flag needs at least two');
  if (!isIndex(flag.offVariation)) problems.push('/offVariation: not an index into variations');
  const checkServe = (serve: FlagServe, path: string) => {
    if ('variation' in serve) {
      if (!isIndex(serve.variation)) problems.push(`${path}/variation: not an index into variations`);
      return;
    }
    if (serve.rollout.length === 0) problems.push(`${path}/rollout: empty`);
    let total = 0;
    serve.rollout.forEach((slice, i) => {
      if (!isIndex(slice.variation)) problems.push(`${path}/rollout/${i}/variation: not an index into variations`);
      if (!(slice.weight >= 0 && slice.weight <= 100)) problems.push(`${path}/rollout/${i}/weight: must be 0..100`);
      total += slice.weight;
    });
    if (Math.abs(total - 100) > 1e-9) problems.push(`${path}/rollout: weights sum to ${total}, not 100`);
  };
  const ruleIds = new Set<string>();
  flag.rules.forEach((rule, i) => {
    if (ruleIds.has(rule.id)) problems.push(`/rules/${i}/id: duplicate "${rule.id}"`);
    ruleIds.add(rule.id);
    if (rule.clauses.length === 0) problems.push(`/rules/${i}/clauses: a rule needs at least one clause`);
    checkServe(rule.serve, `/rules/${i}/serve`);
  });
  checkServe(flag.fallthrough, '/fallthrough');
  return problems;
}
