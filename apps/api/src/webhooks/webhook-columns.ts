import { SecretCipher } from '@hookline/common';
import { Webhook, WebhookColumns } from '@hookline/db';
import { WebhookDraft } from './webhook-draft';

/**
 * What a validated draft stores: the secrets it sends encrypted, and those it
 * keeps (the draft decided which) carried over from `current` as stored.
 */
export function columnsOf(draft: WebhookDraft, cipher: SecretCipher, current?: Webhook): WebhookColumns {
  const { oauth2, basicAuth } = draft;
  return {
    name: draft.name,
    triggerType: draft.triggerType,
    dataTrigger: draft.dataTrigger,
    url: draft.url,
    method: draft.method,
    contentType: draft.contentType,
    authType: draft.authType,
    oauth2TokenUrl: oauth2?.tokenUrl ?? null,
    oauth2ClientId: oauth2?.clientId ?? null,
    oauth2ClientSecretEnc: oauth2 ? (oauth2.newSecret ? cipher.encrypt(oauth2.newSecret) : (current?.oauth2ClientSecretEnc ?? null)) : null,
    oauth2Scope: oauth2?.scope ?? null,
    oauth2Audience: oauth2?.audience ?? null,
    basicUsername: basicAuth?.username ?? null,
    basicPasswordEnc: basicAuth ? (basicAuth.newPassword ? cipher.encrypt(basicAuth.newPassword) : (current?.basicPasswordEnc ?? null)) : null,
    headers: draft.headers,
    bodyTemplate: draft.bodyTemplate,
    failureNotifyUserIds: draft.failureNotifyUserIds,
    failureLimit: draft.failureLimit,
    maxConcurrency: draft.maxConcurrency,
    rateLimitPerMinute: draft.rateLimitPerMinute,
  };
}
