import type { SendableWebhook } from '@hookline/db';
import type { SecretCipher } from '@hookline/common';
import type { ExecutableWebhook } from './webhook-executor';

/** Decrypts a stored webhook into what the executor sends with. Secrets stay in memory only. */
export function toExecutableWebhook(row: SendableWebhook, organization: { id: number; name: string }, cipher: SecretCipher, now = new Date()): ExecutableWebhook {
  const secrets = [cipher.decrypt(row.signingSecretEnc)];
  if (row.previousSigningSecretEnc && row.previousSecretExpiresAt && row.previousSecretExpiresAt > now) {
    secrets.push(cipher.decrypt(row.previousSigningSecretEnc));
  }
  return {
    id: row.id,
    name: row.name,
    organization,
    url: row.url,
    method: row.method,
    contentType: row.contentType,
    headers: (row.headers as { name: string; value: string }[]) ?? [],
    bodyTemplate: row.bodyTemplate,
    maxConcurrency: row.maxConcurrency,
    rateLimitPerMinute: row.rateLimitPerMinute,
    basicAuth:
      row.authType === 'BASIC' && row.basicUsername && row.basicPasswordEnc
        ? { username: row.basicUsername, password: cipher.decrypt(row.basicPasswordEnc) }
        : null,
    oauth2:
      row.authType === 'OAUTH2' && row.oauth2TokenUrl && row.oauth2ClientId && row.oauth2ClientSecretEnc
        ? {
            webhookId: row.id,
            tokenUrl: row.oauth2TokenUrl,
            clientId: row.oauth2ClientId,
            clientSecret: cipher.decrypt(row.oauth2ClientSecretEnc),
            scope: row.oauth2Scope,
            audience: row.oauth2Audience,
          }
        : null,
    signingSecrets: secrets,
  };
}
