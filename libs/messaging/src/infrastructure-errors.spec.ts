import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { ErrorCode } from '#contracts';
import { dependencyUnavailable } from './infrastructure-errors.js';

describe('dependencyUnavailable', () => {
  const withCode = (message: string, code: string) => Object.assign(new Error(message), { code });

  it('maps connection failures of Postgres and sockets to SERVICE_UNAVAILABLE (503, retry later)', () => {
    for (const err of [
      withCode('connect ECONNREFUSED 127.0.0.1:5432', 'ECONNREFUSED'),
      withCode('read ECONNRESET', 'ECONNRESET'),
      withCode('terminating connection due to administrator command', '57P01'),
      withCode('the database system is starting up', '57P03'),
      withCode('connection failure', '08006'),
      new Error('Connection terminated unexpectedly'),
      new Error('timeout exceeded when trying to connect'),
      new Error('query failed', { cause: withCode('connect ECONNREFUSED', 'ECONNREFUSED') }),
    ]) {
      assert.equal(dependencyUnavailable(err)?.code, ErrorCode.SERVICE_UNAVAILABLE, err.message);
    }
  });

  it('leaves bugs and data errors alone (they stay 500 or their own code)', () => {
    for (const err of [
      new TypeError("Cannot read properties of undefined (reading 'x')"),
      withCode('duplicate key value violates unique constraint', '23505'),
      withCode('syntax error at or near "FROM"', '42601'),
      'not an error',
    ]) {
      assert.equal(dependencyUnavailable(err), undefined, String(err));
    }
  });
});
