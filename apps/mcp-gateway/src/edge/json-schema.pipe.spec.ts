import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { DomainError, ErrorCode } from '#contracts';
import { JsonSchemaPipe } from './json-schema.pipe.js';

const pipe = new JsonSchemaPipe({
  type: 'object',
  required: ['model', 'resources'],
  additionalProperties: false,
  properties: {
    model: { type: 'string', minLength: 1 },
    priority: { type: 'integer', minimum: 0, maximum: 10 },
    resources: { type: 'object', required: ['cpu'], properties: { cpu: { type: 'number', exclusiveMinimum: 0 } } },
  },
});

describe('JsonSchemaPipe', () => {
  it('passes a valid body through unchanged', () => {
    const body = { model: 'm', resources: { cpu: 1 } };
    assert.equal(pipe.transform(body), body);
  });

  it('lists every invalid field by JSON pointer', () => {
    try {
      pipe.transform({ priority: 11, resources: { cpu: 0 }, extra: true });
      assert.fail('expected a validation error');
    } catch (err) {
      assert.ok(err instanceof DomainError);
      assert.equal(err.code, ErrorCode.VALIDATION_FAILED);
      const paths = (err.details!['fields'] as Array<{ path: string }>).map((f) => f.path).sort();
      assert.deepEqual(paths, ['/extra', '/model', '/priority', '/resources/cpu']);
    }
  });

  it('requires a body', () => {
    assert.throws(() => pipe.transform(undefined), DomainError);
  });
});
