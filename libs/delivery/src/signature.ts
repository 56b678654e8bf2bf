import { createHmac } from 'node:crypto';

/** The HMAC key of a `whsec_<base64>` secret (Standard Webhooks). */
export function signingKey(secret: string): Buffer {
  return Buffer.from(secret.startsWith('whsec_') ? secret.slice('whsec_'.length) : secret, 'base64');
}

/**
 * `webhook-signature` value: `v1,<base64 HMAC-SHA256 of "id.timestamp.body">`,
 * one per secret, space-separated (two while a rotated secret overlaps).
 * https://www.standardwebhooks.com/
 */
export function signatureHeader(msgId: string, timestampSeconds: number, body: string, secrets: string[]): string {
  const signed = `${msgId}.${timestampSeconds}.${body}`;
  return secrets.map((s) => `v1,${createHmac('sha256', signingKey(s)).update(signed, 'utf8').digest('base64')}`).join(' ');
}
