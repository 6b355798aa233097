import type { JsonValue } from '#contracts';

const scalar: JsonValue = { type: ['string', 'number', 'boolean'] };
const serve: JsonValue = {
  oneOf: [
    { type: 'object', properties: { variation: { type: 'integer', minimum: 0 } }, required: ['variation'], additionalProperties: false },
    {
      type: 'object',
      properties: {
        rollout: {
          type: 'array',
          minItems: 1,
          items: {
            type: 'object',
            properties: { variation: { type: 'integer', minimum: 0 }, weight: { type: 'number', minimum: 0, maximum: 100 } },
            required: ['variation', 'weight'],
            additionalProperties: false,
          },
        },
        bucketBy: { type: 'string', minLength: 1, maxLength: 64 },
      },
      required: ['rollout'],
      additionalProperties: false,
    },
  ],
};

/** Shape of config.flag.set's `flag` (FlagInput); consistency rules are in flagDefinitionProblems. */
export const FLAG_INPUT_SCHEMA: JsonValue = {
  type: 'object',
  properties: {
    key: { type: 'string', pattern: '^[a-z0-9][a-z0-9._-]{0,127}$' },
    kind: { enum: ['boolean', 'multivariate'] },
    description: { type: 'string', maxLength: 1000 },
    variations: { type: 'array', minItems: 2, maxItems: 50 },
    offVariation: { type: 'integer', minimum: 0 },
    enabled: { type: 'boolean' },
    rules: {
      type: 'array',
      maxItems: 200,
      items: {
        type: 'object',
        properties: {
          id: { type: 'string', minLength: 1, maxLength: 64 },
          clauses: {
            type: 'array',
            items: {
              type: 'object',
              properties: {
                attribute: { type: 'string', minLength: 1, maxLength: 64 },
                op: { enum: ['in', 'notIn', 'contains', 'startsWith', 'lt', 'lte', 'gt', 'gte'] },
                values: { type: 'array', minItems: 1, maxItems: 10_000, items: scalar },
              },
              required: ['attribute', 'op', 'values'],
              additionalProperties: false,
            },
          },
          serve,
        },
        required: ['id', 'clauses', 'serve'],
        additionalProperties: false,
      },
    },
    fallthrough: serve,
  },
  required: ['key', 'kind', 'variations', 'offVariation', 'enabled', 'rules', 'fallthrough'],
  additionalProperties: false,
};
