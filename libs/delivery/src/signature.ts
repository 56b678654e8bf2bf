import { createHmac } from 'node:crypto';

/** The HMAC key of a `whsec_<base64>` secret (Standard Webhooks). */
export function signingKey(secret: string): Buffer {
  return Buffer.from(secret.startsWith('whsec_') ? secret.slice('whsec_'.length) : secret, 'base64');
}

/** Decoded keys of the secrets in use, so a hot webhook's key is not decoded per request. */
const keys = new Map<string, Buffer>();
const KEY_CACHE_LIMIT = 10_000;

function cachedKey(secret: string): Buffer {
  let key = keys.get(secret);
  if (!key) {
    if (keys.size >= KEY_CACHE_LIMIT) keys.clear();
    key = signingKey(secret);
    keys.set(secret, key);
  }
  return key;
}

/**
 * `webhook-signature` value: `v1,<base64 HMAC-SHA256 of "id.timestamp.body">`,
 * one per secret, space-separated (two while a rotated secret overlaps).
 * https://www.standardwebhooks.com/
 */
export function signatureHeader(msgId: string, timestampSeconds: number, body: string, secrets: string[]): string {
  const signed = `${msgId}.${timestampSeconds}.${body}`;
  return secrets.map((s) => `v1,${createHmac('sha256', cachedKey(s)).update(signed, 'utf8').digest('base64')}`).join(' ');
}
