import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { Keyring, KeyringError, parseKek } from './envelope.js';

const newKek = () => parseKek(randomBytes(32).toString('base64'));

describe('Keyring', () => {
  it('round-trips and never stores the plaintext', () => {
    const ring = new Keyring(newKek());
    const sealed = ring.seal('s3cr3t-value', 't1/db');
    assert.ok(!JSON.stringify(sealed).includes('s3cr3t'));
    assert.equal(ring.open(sealed, 't1/db'), 's3cr3t-value');
  });

  it('binds the ciphertext to its row', () => {
    const ring = new Keyring(newKek());
    const sealed = ring.seal('v', 't1/db');
    assert.throws(() => ring.open(sealed, 't2/db'), KeyringError);
  });

  it('rotation re-wraps the DEK and keeps the ciphertext', () => {
    const oldKek = newKek();
    const sealed = new Keyring(oldKek).seal('value', 'a');
    const rotated = new Keyring(newKek(), [oldKek]);
    const rewrapped = rotated.rewrap(sealed, 'a');
    assert.ok(rewrapped);
    assert.equal(rewrapped.ciphertext, sealed.ciphertext);
    assert.equal(rewrapped.kekId, rotated.current.id);
    assert.equal(rotated.rewrap(rewrapped, 'a'), null);
    const withoutOld = new Keyring(rotated.current);
    assert.equal(withoutOld.open(rewrapped, 'a'), 'value');
    assert.throws(() => withoutOld.open(sealed, 'a'), /no KEK with id/);
  });

  it('rejects a KEK of the wrong size without echoing it', () => {
    assert.throws(
      () => parseKek('c2hvcnQ='),
      (e: Error) => e instanceof KeyringError && !e.message.includes('c2hvcnQ'),
    );
  });

  it('a tampered ciphertext fails authentication', () => {
    const ring = new Keyring(newKek());
    const sealed = ring.seal('value', 'a');
    const raw = Buffer.from(sealed.ciphertext, 'base64');
    raw[raw.length - 1] ^= 1;
    assert.throws(() => ring.open({ ...sealed, ciphertext: raw.toString('base64') }, 'a'), /authentication failed/);
  });
});
