import { createCipheriv, createDecipheriv, createHmac, randomBytes } from 'node:crypto';

const VERSION = 'v1';

/**
 * AES-256-GCM for write-only secrets at rest (OAuth2 client secrets, Basic
 * passwords, signing secrets). Format: `v1.<iv>.<tag>.<ciphertext>`, base64url.
 * The version prefix leaves room for key rotation.
 */
export class SecretCipher {
  /** For fingerprints only, derived so the encryption key itself is never used as a MAC key. */
  private readonly macKey: Buffer;

  constructor(private readonly key: Buffer) {
    if (key.length !== 32) throw new Error('SecretCipher needs a 32-byte key');
    this.macKey = createHmac('sha256', key).update('hookline fingerprint key v1').digest();
  }

  /**
   * A keyed digest (HMAC-SHA256, hex) of a value that may hold a secret, for
   * names such as cache keys: without the key, a name tells nothing of the
   * value, and a guessed secret cannot be checked against it.
   */
  fingerprint(value: string): string {
    return createHmac('sha256', this.macKey).update(value).digest('hex');
  }

  encrypt(plaintext: string): string {
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', this.key, iv);
    const ct = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
    return [VERSION, iv.toString('base64url'), cipher.getAuthTag().toString('base64url'), ct.toString('base64url')].join('.');
  }

  decrypt(token: string): string {
    const [version, iv, tag, ct] = token.split('.');
    if (version !== VERSION || !iv || !tag || ct === undefined) throw new Error('Unrecognised ciphertext format');
    const decipher = createDecipheriv('aes-256-gcm', this.key, Buffer.from(iv, 'base64url'));
    decipher.setAuthTag(Buffer.from(tag, 'base64url'));
    return Buffer.concat([decipher.update(Buffer.from(ct, 'base64url')), decipher.final()]).toString('utf8');
  }
}
