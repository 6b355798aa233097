/**
 * The body of an inference job, shared by `POST /v1/jobs` and the MCP tool `submit_inference_job`
 * so both entry points accept exactly the same input.
 */
export const INFERENCE_JOB_PROPERTIES = {
  model: { type: 'string', pattern: '^[A-Za-z0-9._:/-]{1,128}$' },
  messages: {
    type: 'array',
    minItems: 1,
    maxItems: 500,
    items: {
      type: 'object',
      required: ['role', 'content'],
      additionalProperties: false,
      properties: { role: { enum: ['system', 'user', 'assistant'] }, content: { type: 'string', maxLength: 200000 } },
    },
  },
  maxOutputTokens: { type: 'integer', minimum: 1, maximum: 32768 },
  priority: { type: 'integer', minimum: 0, maximum: 1000 },
  wait: { type: 'boolean' },
  waitTimeoutMs: { type: 'integer', minimum: 100, maximum: 600000 },
} as const;
