import { randomBytes } from 'node:crypto';
import { SecretCipher } from './secret-cipher';

describe(SecretCipher.name, () => {
  const sut = new SecretCipher(randomBytes(32));

  it('round-trips and never repeats a ciphertext', () => {
    const a = sut.encrypt('s3cret');
    const b = sut.encrypt('s3cret');
    expect(a).not.toBe(b);
    expect(a).not.toContain('s3cret');
    expect(sut.decrypt(a)).toBe('s3cret');
  });

  it('fingerprints are stable under one key, differ under another, and are no plain hash of the value', () => {
    const { createHash } = require('node:crypto');
    expect(sut.fingerprint('s3cret')).toBe(sut.fingerprint('s3cret'));
    expect(sut.fingerprint('s3cret')).not.toBe(sut.fingerprint('s3cres'));
    expect(new SecretCipher(randomBytes(32)).fingerprint('s3cret')).not.toBe(sut.fingerprint('s3cret'));
    expect(sut.fingerprint('s3cret')).not.toBe(createHash('sha256').update('s3cret').digest('hex'));
  });

  it('detects tampering and a wrong key', () => {
    const c = sut.encrypt('value');
    const parts = c.split('.');
    parts[3] = Buffer.from('other').toString('base64url');
    expect(() => sut.decrypt(parts.join('.'))).toThrow();
    expect(() => new SecretCipher(randomBytes(32)).decrypt(c)).toThrow();
  });
});
