import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { envSecretResolver, resolveSecretRefs, SecretRefError } from './secret-refs.js';

describe('resolveSecretRefs', () => {
  const value = { host: 'db', password: { $secret: 'env://DB_PASSWORD' }, tokens: [{ $secret: 'vault://kv/x#t' }, 'plain'] };

  it('replaces each reference with its resolver', async () => {
    const resolved = await resolveSecretRefs(value, {
      env: envSecretResolver({ DB_PASSWORD: 'pw' }),
      vault: async (ref) => `vault:${ref.length}`,
    });
    assert.deepEqual(resolved, { host: 'db', password: 'pw', tokens: ['vault:14', 'plain'] });
  });

  it('refuses a scheme without resolver, without echoing the reference', async () => {
    await assert.rejects(
      resolveSecretRefs(value, { env: envSecretResolver({ DB_PASSWORD: 'pw' }) }),
      (e: Error) => e instanceof SecretRefError && !e.message.includes('kv/x'),
    );
  });

  it('refuses an unset env:// variable', async () => {
    await assert.rejects(resolveSecretRefs(value, { env: envSecretResolver({}), vault: () => 'x' }), /unset variable/);
  });
});
