import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { DecisionEvaluateRequest, DomainError } from '#contracts';
import { validatePayload } from '#messaging';
import { decisionRequestViolations, parseDecisionBatch } from './decision-request.js';

const valid = () => ({
  subject: { id: 'u1', roles: ['admin'], tenants: ['acme'], attributes: { level: 2 } },
  tenantId: 'acme',
  resource: { type: 'context', id: 'c1', owner: 'u1', attributes: { a: 1 } },
  action: 'GET',
  context: { tenantStatus: 'active' },
});

const junk = fc.oneof(
  fc.constant(undefined),
  fc.constant(null),
  fc.integer(),
  fc.boolean(),
  fc.constant(''),
  fc.constant('x'.repeat(300)),
  fc.constant('ACME'),
  fc.constant('acme'),
  fc.constant('tools.call'),
  fc.constant('😀'.repeat(200)),
  fc.constant([]),
  fc.constant(['admin']),
  fc.constant(['Bad Role']),
  fc.constant({}),
  fc.constant({ k: 1 }),
  fc.constant([1, 2]),
  fc.constant(Array.from({ length: 65 }, () => 'r')),
);
const paths = [
  ['subject'],
  ['subject', 'id'],
  ['subject', 'roles'],
  ['subject', 'tenants'],
  ['subject', 'attributes'],
  ['subject', 'extra'],
  ['tenantId'],
  ['resource'],
  ['resource', 'type'],
  ['resource', 'id'],
  ['resource', 'owner'],
  ['resource', 'attributes'],
  ['resource', 'extra'],
  ['action'],
  ['context'],
  ['extra'],
];

function mutate(base: Record<string, unknown>, path: string[], value: unknown): Record<string, unknown> {
  const copy = structuredClone(base);
  let node: Record<string, unknown> = copy;
  for (const k of path.slice(0, -1)) {
    if (typeof node[k] !== 'object' || node[k] === null || Array.isArray(node[k])) return copy;
    node = node[k] as Record<string, unknown>;
  }
  const last = path.at(-1)!;
  if (value === undefined) delete node[last];
  else node[last] = value;
  return copy;
}

describe('hand-written decision request validation', () => {
  it('accepts what the contract accepts and rejects what it rejects', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(fc.tuple(fc.constantFrom(...paths), junk), { minLength: 0, maxLength: 3 }), async (edits) => {
        let value: Record<string, unknown> = valid();
        for (const [path, v] of edits) value = mutate(value, path, v);
        const ours = decisionRequestViolations(value).length === 0;
        const theirs = await validatePayload(DecisionEvaluateRequest, value).then(
          () => true,
          () => false,
        );
        assert.equal(ours, theirs, JSON.stringify({ value, ours: decisionRequestViolations(value) }));
      }),
      { numRuns: 1500 },
    );
  });

  it('names the entry and field of a bad batch', () => {
    assert.throws(
      () => parseDecisionBatch([valid(), { ...valid(), tenantId: 'x y' }, { ...valid(), action: 7 }]),
      (e: unknown) =>
        e instanceof DomainError &&
        JSON.stringify(e.details).includes('requests.1.tenantId') &&
        JSON.stringify(e.details).includes('requests.2.action'),
    );
    assert.equal(parseDecisionBatch([valid()]).length, 1);
  });
});
