import { randomBytes } from 'node:crypto';

/**
 * A per-test-run namespace on the shared infrastructure: NATS subjects get `<token>.` in front,
 * Redis keys `<token>:`, the database is `mcp_test_<token>`. Runs on one machine never collide.
 */
export interface TestNamespace {
  token: string;
  subjectPrefix: string;
  redisKeyPrefix: string;
}

export function testNamespace(): TestNamespace {
  const token = `t${randomBytes(5).toString('hex')}`;
  return { token, subjectPrefix: `${token}.`, redisKeyPrefix: `${token}:` };
}
