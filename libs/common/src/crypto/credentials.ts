import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

/**
 * API client credentials. The secret is 256 random bits, so a fast hash is as
 * safe as a slow one here (no dictionary to attack) and keeps token issuance
 * cheap; comparison is constant-time.
 */
export function newClientId(): string {
  return `hlc_${randomBytes(12).toString('hex')}`;
}

/** A portal link's client (issue #14): `hlp_`, so lists and logs tell it from a client with credentials. */
export function newPortalClientId(): string {
  return `hlp_${randomBytes(12).toString('hex')}`;
}

export function newClientSecret(): string {
  return `hls_${randomBytes(32).toString('base64url')}`;
}

export function hashSecret(secret: string): string {
  return createHash('sha256').update(secret, 'utf8').digest('hex');
}

export function secretMatches(secret: string, storedHash: string): boolean {
  const a = Buffer.from(hashSecret(secret), 'hex');
  const b = Buffer.from(storedHash, 'hex');
  return a.length === b.length && timingSafeEqual(a, b);
}
