import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createPartitionSql, dropPartitionSql, partitionDay, partitionName, planPartitions } from './partitions.js';

const DAY = 86_400_000;
const NOW = Date.UTC(2026, 10, 26, 21, 30);

test('plans retained and ahead days, drops only expired span partitions', () => {
  const existing = ['spans_20261118', 'spans_20261119', 'spans_20261120', 'spans_20261126', 'spans_other', 'spans_20261340'];
  const plan = planPartitions(NOW, 7, 2, existing);
  assert.deepEqual(plan.keep.map(partitionName), [
    'spans_20261120',
    'spans_20261121',
    'spans_20261122',
    'spans_20261123',
    'spans_20261124',
    'spans_20261125',
    'spans_20261126',
    'spans_20261127',
    'spans_20261128',
  ]);
  assert.deepEqual(plan.drop, ['spans_20261118', 'spans_20261119']);
  assert.equal(plan.acceptFromUs, Date.UTC(2026, 10, 20) * 1000);
  assert.equal(plan.acceptToUs, Date.UTC(2026, 10, 29) * 1000);
});

test('partition names round-trip and reject anything that is not a real day', () => {
  assert.equal(partitionDay('spans_20261126'), Date.UTC(2026, 10, 26));
  assert.equal(partitionDay('spans_20261131'), null);
  assert.equal(partitionDay('spans_2026112'), null);
  assert.equal(partitionDay('spans_20261126; DROP TABLE x'), null);
  assert.throws(() => dropPartitionSql('spans; DROP TABLE tracehub.spans'));
  assert.equal(dropPartitionSql('spans_20261126'), 'DROP TABLE IF EXISTS tracehub.spans_20261126');
});

test('a partition covers exactly one UTC day', () => {
  assert.equal(
    createPartitionSql(Date.UTC(2026, 11, 31)),
    `CREATE TABLE IF NOT EXISTS tracehub.spans_20261231 PARTITION OF tracehub.spans FOR VALUES FROM ('2026-12-31T00:00:00.000Z') TO ('2027-01-01T00:00:00.000Z')`,
  );
  assert.equal(planPartitions(NOW, 1, 1, []).keep.length, 2);
  assert.equal(planPartitions(NOW + DAY, 1, 1, ['spans_20261126']).drop[0], 'spans_20261126');
});
