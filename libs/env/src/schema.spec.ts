import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { bool, EnvError, int, key, oneOf, optional, parseEnv, port, str, url } from './schema.js';

describe('parseEnv', () => {
  const schema = {
    PORT: port(8080),
    MODE: oneOf(['a', 'b'] as const, 'a'),
    FLAG: bool(false),
    DB: url('postgres://localhost/x', ['postgres'], { secret: true }),
    NAME: str(undefined),
    SIZE: optional(int(undefined, { min: 1, max: 10 })),
  };

  it('applies defaults and parses values', () => {
    const env = parseEnv(schema, { NAME: 'n', PORT: '9000', FLAG: 'yes', SIZE: '3' });
    assert.deepEqual({ ...env }, { PORT: 9000, MODE: 'a', FLAG: true, DB: 'postgres://localhost/x', NAME: 'n', SIZE: 3 });
  });

  it('names the variable and the problem in one line', () => {
    assert.throws(
      () => parseEnv(schema, { NAME: 'n', PORT: 'abc' }),
      (err: unknown) => {
        assert.ok(err instanceof EnvError);
        assert.equal(err.variable, 'PORT');
        assert.equal(err.message, 'Invalid environment: PORT must be an integer between 0 and 65535, got "abc"');
        return true;
      },
    );
    assert.throws(() => parseEnv(schema, {}), /NAME is required but not set/);
    assert.throws(() => parseEnv(schema, { NAME: 'n', MODE: 'c' }), /MODE must be one of a, b, got "c"/);
    assert.throws(() => parseEnv(schema, { NAME: 'n', SIZE: '11' }), /SIZE must be an integer between 1 and 10/);
  });

  it('never echoes a secret value', () => {
    assert.throws(
      () => parseEnv(schema, { NAME: 'n', DB: 'mysql://user:hunter2@h/db' }),
      (err: unknown) => {
        assert.ok(err instanceof EnvError);
        assert.doesNotMatch(err.message, /hunter2/);
        return true;
      },
    );
    assert.throws(
      () => parseEnv({ K: key(32) }, { K: 'c2VjcmV0' }),
      (err: unknown) => {
        assert.ok(err instanceof EnvError);
        assert.doesNotMatch(err.message, /c2VjcmV0/);
        return true;
      },
    );
  });
});
