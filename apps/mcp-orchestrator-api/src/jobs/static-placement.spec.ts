import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DomainError } from '#contracts';
import { StaticPlacement } from './static-placement.js';

const req = (jobId: string, model: string) => ({
  jobId,
  tenantId: 'acme',
  tier: 'standard' as const,
  model,
  priority: 1,
  promptTokens: 10,
  maxOutputTokens: 10,
  resources: { cpu: 1, memoryMiB: 1024, gpu: 0 },
  spotTolerant: false,
});

test('places on the pool serving the model, spreading over its least busy nodes, and releases', async () => {
  const p = new StaticPlacement([
    { name: 'gpu', nodes: ['g1', 'g2'], backends: { big: 'http://gpu/v1' } },
    { name: 'any', nodes: ['a1'], backends: { '*': 'http://any/v1' } },
  ]);
  const a = await p.place(req('j1', 'big'));
  const b = await p.place(req('j2', 'big'));
  assert.deepEqual([a.pool, a.node, a.backendUrl], ['gpu', 'g1', 'http://gpu/v1']);
  assert.equal(b.node, 'g2');
  p.release('j1');
  assert.equal((await p.place(req('j3', 'big'))).node, 'g1');
  assert.equal((await p.place(req('j4', 'small'))).pool, 'any');
});

test('a model no pool serves is a typed error', async () => {
  const p = new StaticPlacement([{ name: 'gpu', nodes: ['g1'], backends: { big: 'http://gpu/v1' } }]);
  await assert.rejects(p.place(req('j1', 'other')), (e: unknown) => e instanceof DomainError && e.code === 'SERVICE_UNAVAILABLE');
});
