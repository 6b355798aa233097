import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { JsonSchemaValidator } from '../entries/json-schema.js';
import { FLAG_INPUT_SCHEMA } from './flag-schema.js';

describe('FLAG_INPUT_SCHEMA', () => {
  const v = new JsonSchemaValidator();
  const flag = {
    key: 'f',
    kind: 'multivariate',
    variations: ['a', 'b'],
    offVariation: 0,
    enabled: true,
    rules: [
      {
        id: 'r',
        clauses: [{ attribute: 'plan', op: 'in', values: ['pro', 3, true] }],
        serve: { rollout: [{ variation: 1, weight: 100 }], bucketBy: 'orgId' },
      },
    ],
    fallthrough: { variation: 0 },
  };

  it('compiles and accepts a well-formed flag', () => {
    assert.deepEqual(v.schemaProblems(FLAG_INPUT_SCHEMA), []);
    assert.deepEqual(v.validate(FLAG_INPUT_SCHEMA, flag), []);
  });

  it('names malformed parts', () => {
    const paths = v
      .validate(FLAG_INPUT_SCHEMA, {
        ...flag,
        kind: 'percent',
        rules: [{ id: 'r', clauses: [{ attribute: 'x', op: 'regex', values: [] }], serve: { variation: 0 } }],
      })
      .map((x) => x.path);
    assert.ok(paths.includes('/kind'));
    assert.ok(paths.includes('/rules/0/clauses/0/op'));
    assert.ok(paths.includes('/rules/0/clauses/0/values'));
  });
});
