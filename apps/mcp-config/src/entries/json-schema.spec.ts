import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { JsonSchemaValidator } from './json-schema.js';

describe('JsonSchemaValidator', () => {
  const v = new JsonSchemaValidator();
  const schema = {
    type: 'object',
    properties: {
      timeoutMs: { type: 'integer', minimum: 1 },
      upstreams: {
        type: 'array',
        items: { type: 'object', properties: { url: { type: 'string', pattern: '^https://' } }, required: ['url'] },
      },
    },
    required: ['timeoutMs'],
    additionalProperties: false,
  };

  it('accepts a valid value', () => {
    assert.deepEqual(v.validate(schema, { timeoutMs: 5, upstreams: [{ url: 'https://a' }] }), []);
  });

  it('reports every failing path', () => {
    const violations = v.validate(schema, { timeoutMs: 0, upstreams: [{ url: 'http://a' }, {}], extra: 1 });
    assert.deepEqual(violations.map((x) => x.path).sort(), ['/extra', '/timeoutMs', '/upstreams/0/url', '/upstreams/1/url']);
  });

  it('names a missing required property', () => {
    assert.deepEqual(
      v.validate(schema, {}).map((x) => x.path),
      ['/timeoutMs'],
    );
  });

  it('refuses schemas that do not compile', () => {
    assert.equal(v.schemaProblems({ type: 'nope' }).length, 1);
    assert.equal(v.schemaProblems(3).length, 1);
    assert.deepEqual(v.schemaProblems(schema), []);
  });
});
