import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readySteps, topologicalOrder, validateDefinition, type StepStatus, type WorkflowDefinition } from './definition.js';
import { resolveTemplate } from './mapping.js';

const fanOut: WorkflowDefinition = {
  steps: [
    { id: 'a', kind: 'tool', tool: { server: 's', name: 'add' }, input: { a: { $ref: 'input.x' }, b: 1 } },
    { id: 'b', kind: 'tool', dependsOn: ['a'], tool: { server: 's', name: 'add' }, input: { a: { $ref: 'steps.a.output.sum' }, b: 10 } },
    { id: 'c', kind: 'tool', dependsOn: ['a'], tool: { server: 's', name: 'add' }, input: { a: { $ref: 'steps.a.output.sum' }, b: 100 } },
  ],
};

test('a valid fan-out definition has no errors and a topological order', () => {
  assert.deepEqual(validateDefinition(fanOut), []);
  assert.deepEqual(topologicalOrder(fanOut), ['a', 'b', 'c']);
});

test('cycles, unknown dependencies, duplicates and bad kinds are reported', () => {
  const cyc: WorkflowDefinition = {
    steps: [
      { id: 'a', kind: 'tool', tool: { server: 's', name: 't' }, dependsOn: ['b'] },
      { id: 'b', kind: 'tool', tool: { server: 's', name: 't' }, dependsOn: ['a'] },
    ],
  };
  assert.deepEqual(validateDefinition(cyc), ['steps: dependencies form a cycle']);
  assert.match(
    validateDefinition({ steps: [{ id: 'a', kind: 'tool', tool: { server: 's', name: 't' }, dependsOn: ['z'] }] })[0]!,
    /unknown step "z"/,
  );
  assert.match(validateDefinition({ steps: [fanOut.steps[0]!, fanOut.steps[0]!] })[0]!, /duplicate/);
  assert.match(validateDefinition({ steps: [{ id: 'a', kind: 'shell' as 'tool' }] })[0]!, /kind/);
  assert.match(validateDefinition({ steps: [{ id: 'A b', kind: 'tool', tool: { server: 's', name: 't' } }] })[0]!, /id/);
  assert.deepEqual(validateDefinition({ steps: [] }), ['steps: at least one step is required']);
});

test('a $ref to a step that is not an ancestor is rejected', () => {
  const bad: WorkflowDefinition = {
    steps: [
      { id: 'a', kind: 'tool', tool: { server: 's', name: 't' } },
      { id: 'b', kind: 'tool', tool: { server: 's', name: 't' }, input: { v: { $ref: 'steps.a.output' } } },
    ],
  };
  assert.match(validateDefinition(bad)[0]!, /not among its dependencies/);
  assert.match(
    validateDefinition({ steps: [{ id: 'a', kind: 'tool', tool: { server: 's', name: 't' }, input: { $ref: 'env.SECRET' } }] })[0]!,
    /must start with/,
  );
});

test('retry and timeout bounds are enforced', () => {
  const s = { id: 'a', kind: 'tool' as const, tool: { server: 's', name: 't' } };
  assert.match(validateDefinition({ steps: [{ ...s, retry: { maxAttempts: 0 } }] })[0]!, /maxAttempts/);
  assert.match(validateDefinition({ steps: [{ ...s, timeoutMs: 0 }] })[0]!, /timeoutMs/);
});

test('ready steps are pending ones whose dependencies all succeeded (fan-out after a)', () => {
  const st = new Map<string, StepStatus>([
    ['a', 'pending'],
    ['b', 'pending'],
    ['c', 'pending'],
  ]);
  assert.deepEqual(readySteps(fanOut, st), ['a']);
  st.set('a', 'running');
  assert.deepEqual(readySteps(fanOut, st), []);
  st.set('a', 'succeeded');
  assert.deepEqual(readySteps(fanOut, st), ['b', 'c']);
});

test('templates resolve input and step outputs, and missing paths are typed errors', () => {
  const ctx = { input: { x: 2 }, steps: { a: { output: { sum: 3, list: [7] } } } };
  assert.deepEqual(
    resolveTemplate({ a: { $ref: 'steps.a.output.sum' }, l: [{ $ref: 'steps.a.output.list.0' }], x: { $ref: 'input.x' }, k: 'lit' }, ctx),
    { a: 3, l: [7], x: 2, k: 'lit' },
  );
  assert.throws(() => resolveTemplate({ $ref: 'steps.a.output.nope' }, ctx), /does not resolve/);
  assert.throws(() => resolveTemplate({ $ref: 'input.__proto__' }, ctx), /does not resolve/);
  assert.deepEqual(resolveTemplate({ $ref: 'x', other: 1 }, ctx), { $ref: 'x', other: 1 });
});
