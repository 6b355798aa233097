import { test } from 'node:test';
import assert from 'node:assert/strict';
import { QueryParamError, parseDurationUs, parseMetricsQuery, parseTraceSearch } from './search-params.js';

const NOW_US = 1_764_000_000_000_000;

test('parses the parameters the Jaeger UI sends', () => {
  const search = parseTraceSearch(
    {
      service: 'shop',
      operation: 'GET /cart',
      tags: '{"http.status_code":"500","error":"true"}',
      tag: ['region:eu-west:1'],
      start: '1763990000000000',
      end: '1764000000000000',
      minDuration: '1.5ms',
      maxDuration: '2s',
      limit: '50',
      lookback: 'custom',
    },
    NOW_US,
  );
  assert.deepEqual(search, {
    service: 'shop',
    operation: 'GET /cart',
    tags: { 'http.status_code': '500', error: 'true', region: 'eu-west:1' },
    startUs: 1763990000000000,
    endUs: 1764000000000000,
    minDurationUs: 1500,
    maxDurationUs: 2_000_000,
    limit: 50,
  });
});

test('defaults to the last hour and 20 traces', () => {
  const search = parseTraceSearch({ service: 'shop' }, NOW_US);
  assert.equal(search.endUs, NOW_US);
  assert.equal(search.startUs, NOW_US - 3_600_000_000);
  assert.equal(search.limit, 20);
  assert.equal(parseTraceSearch({ service: 'shop', lookback: '2h' }, NOW_US).startUs, NOW_US - 7_200_000_000);
});

test('rejects what it cannot honour, naming the parameter', () => {
  const cases: Array<[Record<string, string>, string]> = [
    [{}, 'service'],
    [{ service: 's', limit: '0' }, 'limit'],
    [{ service: 's', limit: '100000' }, 'limit'],
    [{ service: 's', start: 'yesterday' }, 'start'],
    [{ service: 's', start: '10', end: '5' }, 'start'],
    [{ service: 's', minDuration: '5' }, 'minDuration'],
    [{ service: 's', minDuration: '2s', maxDuration: '1s' }, 'minDuration'],
    [{ service: 's', tags: '[1]' }, 'tags'],
    [{ service: 's', tag: 'nocolon' }, 'tag'],
  ];
  for (const [params, param] of cases) {
    assert.throws(
      () => parseTraceSearch(params, NOW_US),
      (e: unknown) => e instanceof QueryParamError && e.param === param,
      JSON.stringify(params),
    );
  }
});

test('Go durations', () => {
  assert.equal(parseDurationUs('1h30m', 'd'), 5_400_000_000);
  assert.equal(parseDurationUs('250us', 'd'), 250);
  assert.equal(parseDurationUs('1500ns', 'd'), 2);
  assert.throws(() => parseDurationUs('1h bogus', 'd'), QueryParamError);
});

test('metrics queries default to server spans, one minute steps and p95', () => {
  const q = parseMetricsQuery({ service: ['a', 'b'], endTs: '1764000000000', lookback: '600000' }, 0);
  assert.deepEqual(q, {
    services: ['a', 'b'],
    groupByOperation: false,
    spanKinds: [2],
    fromUs: 1_763_999_400_000_000,
    toUs: 1_764_000_000_000_000,
    stepMs: 60_000,
    ratePerMs: 600_000,
    quantile: 0.95,
  });
  assert.deepEqual(parseMetricsQuery({ service: 'a', spanKind: ['SPAN_KIND_CLIENT', 'consumer'] }, 0).spanKinds, [3, 5]);
  assert.throws(() => parseMetricsQuery({ service: 'a', quantile: '1' }, 0), QueryParamError);
  assert.throws(() => parseMetricsQuery({ service: 'a', lookback: '86400000', step: '1000' }, 0), QueryParamError);
});
