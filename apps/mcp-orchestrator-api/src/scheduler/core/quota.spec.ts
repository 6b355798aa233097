import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { QuotaLedger } from './quota.js';
import type { FlavorQuota, TenantSpec } from './types.js';

const cpu = (n: number) => ({ cpu: n, memoryMiB: 0, gpu: 0 });
const flavor = (nominal: number, borrowing: number, lending: number): FlavorQuota => ({
  nominal: cpu(nominal),
  borrowingLimit: cpu(borrowing),
  lendingLimit: cpu(lending),
});
const tenant = (id: string, q: FlavorQuota, cohort = 'c'): TenantSpec => ({
  id,
  tier: 'standard',
  weight: 1,
  cohort,
  quotas: { compute: q },
});

describe('QuotaLedger', () => {
  it('admits within nominal and refuses a flavor the tenant has no quota for', () => {
    const l = new QuotaLedger([tenant('a', flavor(4, 0, 0))]);
    assert.equal(l.canAdmit('a', 'compute', cpu(4)), true);
    assert.equal(l.canAdmit('a', 'compute', cpu(5)), false);
    assert.equal(l.canAdmit('a', 'gpu', cpu(1)), false);
  });

  it('borrows the unused nominal of the cohort up to the borrowing limit', () => {
    const l = new QuotaLedger([tenant('a', flavor(4, 3, 4)), tenant('b', flavor(4, 0, 4))]);
    assert.equal(l.canAdmit('a', 'compute', cpu(7)), true);
    assert.equal(l.canAdmit('a', 'compute', cpu(8)), false, 'beyond the borrowing limit');
    l.add('a', 'compute', cpu(7));
    assert.equal(l.isBorrowing('a', 'compute'), true);
    // b may still use 1 of its own; the other 3 are lent to a.
    assert.equal(l.canAdmit('b', 'compute', cpu(1)), true);
    assert.equal(l.canAdmit('b', 'compute', cpu(2)), false);
    assert.equal(l.withinNominal('b', 'compute', cpu(2)), true, 'b could reclaim');
  });

  it('never lends more than the lending limit', () => {
    const l = new QuotaLedger([tenant('a', flavor(4, 10, 4)), tenant('b', flavor(4, 0, 1))]);
    assert.equal(l.canAdmit('a', 'compute', cpu(5)), true);
    assert.equal(l.canAdmit('a', 'compute', cpu(6)), false);
  });

  it('does not lend across cohorts', () => {
    const l = new QuotaLedger([tenant('a', flavor(4, 10, 4), 'x'), tenant('b', flavor(4, 0, 4), 'y')]);
    assert.equal(l.canAdmit('a', 'compute', cpu(5)), false);
  });

  it('returns quota on release', () => {
    const l = new QuotaLedger([tenant('a', flavor(4, 3, 4)), tenant('b', flavor(4, 0, 4))]);
    l.add('a', 'compute', cpu(7));
    l.release('a', 'compute', cpu(7));
    assert.deepEqual(l.usage('a', 'compute'), cpu(0));
    assert.deepEqual(l.cohortState('c', 'compute')?.drawn, cpu(0));
    assert.equal(l.canAdmit('b', 'compute', cpu(4)), true);
  });
});
