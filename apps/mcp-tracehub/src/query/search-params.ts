// Parsing of the Jaeger query API's parameters (as the Jaeger UI and Grafana send them) into validated
// searches. Bad input is reported as QueryParamError and answered 400, never guessed around.

export class QueryParamError extends Error {
  constructor(
    message: string,
    readonly param: string,
  ) {
    super(message);
  }
}

export type RawParams = Record<string, string | string[] | undefined>;

export interface TraceSearch {
  service: string;
  operation: string | null;
  tags: Record<string, string>;
  startUs: number;
  endUs: number;
  minDurationUs: number | null;
  maxDurationUs: number | null;
  limit: number;
}

export const DEFAULT_SEARCH_LIMIT = 20;
export const MAX_SEARCH_LIMIT = 1500;
const HOUR_US = 3_600_000_000;

function single(params: RawParams, name: string): string | undefined {
  const value = params[name];
  const first = Array.isArray(value) ? value[0] : value;
  return first === undefined || first === '' ? undefined : first;
}

function many(params: RawParams, name: string): string[] {
  const value = params[name];
  return value === undefined ? [] : Array.isArray(value) ? value : [value];
}

function integer(params: RawParams, name: string, min = 0): number | undefined {
  const raw = single(params, name);
  if (raw === undefined) return undefined;
  if (!/^\d+$/.test(raw)) throw new QueryParamError(`parameter '${name}' must be a non-negative integer`, name);
  const n = Number(raw);
  if (!Number.isSafeInteger(n) || n < min) throw new QueryParamError(`parameter '${name}' is out of range`, name);
  return n;
}

const UNIT_US: Record<string, number> = { ns: 0.001, us: 1, µs: 1, μs: 1, ms: 1000, s: 1_000_000, m: 60_000_000, h: HOUR_US };

/** Go duration syntax as Jaeger accepts it: "150ms", "1.5s", "1h30m". */
export function parseDurationUs(text: string, name: string): number {
  const part = /(\d+(?:\.\d+)?)(ns|us|µs|μs|ms|s|m|h)/gy;
  let total = 0;
  let consumed = 0;
  for (let match = part.exec(text); match; match = part.exec(text)) {
    total += Number(match[1]) * UNIT_US[match[2]!]!;
    consumed = part.lastIndex;
  }
  if (consumed === 0 || consumed !== text.length) {
    throw new QueryParamError(`parameter '${name}' must be a duration such as 100ms or 1.5s`, name);
  }
  return Math.round(total);
}

function duration(params: RawParams, name: string): number | null {
  const raw = single(params, name);
  return raw === undefined ? null : parseDurationUs(raw, name);
}

function tagsOf(params: RawParams): Record<string, string> {
  const tags: Record<string, string> = {};
  const json = single(params, 'tags');
  if (json !== undefined) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(json);
    } catch {
      throw new QueryParamError(`parameter 'tags' must be a JSON object of strings`, 'tags');
    }
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
      throw new QueryParamError(`parameter 'tags' must be a JSON object of strings`, 'tags');
    }
    for (const [key, value] of Object.entries(parsed)) tags[key] = String(value);
  }
  for (const pair of many(params, 'tag')) {
    const at = pair.indexOf(':');
    if (at <= 0) throw new QueryParamError(`parameter 'tag' must be key:value`, 'tag');
    tags[pair.slice(0, at)] = pair.slice(at + 1);
  }
  if (Object.keys(tags).length > 20) throw new QueryParamError('at most 20 tags', 'tags');
  return tags;
}

export function parseTraceSearch(params: RawParams, nowUs: number): TraceSearch {
  const service = single(params, 'service');
  if (service === undefined) throw new QueryParamError(`parameter 'service' is required`, 'service');
  const endUs = integer(params, 'end') ?? nowUs;
  const lookback = single(params, 'lookback');
  const lookbackUs = lookback && lookback !== 'custom' ? parseDurationUs(lookback, 'lookback') : HOUR_US;
  const startUs = integer(params, 'start') ?? endUs - lookbackUs;
  if (startUs > endUs) throw new QueryParamError(`parameter 'start' must not be after 'end'`, 'start');
  const limit = integer(params, 'limit', 1) ?? DEFAULT_SEARCH_LIMIT;
  if (limit > MAX_SEARCH_LIMIT) throw new QueryParamError(`parameter 'limit' must be at most ${MAX_SEARCH_LIMIT}`, 'limit');
  const minDurationUs = duration(params, 'minDuration');
  const maxDurationUs = duration(params, 'maxDuration');
  if (minDurationUs !== null && maxDurationUs !== null && minDurationUs > maxDurationUs) {
    throw new QueryParamError(`'minDuration' must not exceed 'maxDuration'`, 'minDuration');
  }
  return {
    service,
    operation: single(params, 'operation') ?? null,
    tags: tagsOf(params),
    startUs,
    endUs,
    minDurationUs,
    maxDurationUs,
    limit,
  };
}

export interface DependencyWindow {
  fromUs: number;
  toUs: number;
}

/** /api/dependencies?endTs=&lookback= (both milliseconds, as Jaeger defines them). */
export function parseDependencyWindow(params: RawParams, nowMs: number): DependencyWindow {
  const endTs = integer(params, 'endTs') ?? nowMs;
  const lookback = integer(params, 'lookback') ?? 86_400_000;
  return { fromUs: (endTs - lookback) * 1000, toUs: endTs * 1000 };
}

export interface MetricsQuery {
  services: string[];
  groupByOperation: boolean;
  spanKinds: number[];
  fromUs: number;
  toUs: number;
  stepMs: number;
  ratePerMs: number;
  quantile: number;
}

const KIND_BY_NAME: Record<string, number> = { unspecified: 0, internal: 1, server: 2, client: 3, producer: 4, consumer: 5 };

/** Jaeger's metrics (SPM) API: service (repeatable), groupByOperation, endTs, lookback, step, ratePer, spanKind, quantile. */
export function parseMetricsQuery(params: RawParams, nowMs: number): MetricsQuery {
  const services = many(params, 'service').filter((s) => s !== '');
  if (services.length === 0) throw new QueryParamError(`parameter 'service' is required`, 'service');
  const endTs = integer(params, 'endTs') ?? nowMs;
  const lookback = integer(params, 'lookback', 1) ?? 3_600_000;
  const stepMs = integer(params, 'step', 1000) ?? 60_000;
  if (lookback / stepMs > 10_000) throw new QueryParamError(`'lookback' / 'step' must be at most 10000 points`, 'step');
  const ratePerMs = integer(params, 'ratePer', 1) ?? 600_000;
  const kinds = many(params, 'spanKind').map((k) => k.replace(/^SPAN_KIND_/i, '').toLowerCase());
  const spanKinds = (kinds.length ? kinds : ['server']).map((k) => {
    const n = KIND_BY_NAME[k];
    if (n === undefined) throw new QueryParamError(`unknown spanKind '${k}'`, 'spanKind');
    return n;
  });
  const quantileRaw = single(params, 'quantile');
  const quantile = quantileRaw === undefined ? 0.95 : Number(quantileRaw);
  if (!(quantile > 0 && quantile < 1)) throw new QueryParamError(`parameter 'quantile' must be in (0, 1)`, 'quantile');
  return {
    services,
    groupByOperation: single(params, 'groupByOperation') === 'true',
    spanKinds,
    fromUs: (endTs - lookback) * 1000,
    toUs: endTs * 1000,
    stepMs,
    ratePerMs,
    quantile,
  };
}
