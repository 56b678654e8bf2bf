import { FieldError } from '@hookline/common';
import { AuthType, ContentType, HttpMethod, Webhook } from '@hookline/db';
import type { CreateWebhookDto, UpdateWebhookDto } from './dto/webhook.dto';

/** The effective definition a create or update would store, before secrets are encrypted. */
export interface WebhookDraft {
  name: string;
  triggerType: string;
  dataTrigger: Record<string, unknown> | null;
  url: string;
  method: HttpMethod;
  contentType: ContentType;
  authType: AuthType;
  /** `newSecret`: one the request sent, to store; null keeps the stored one (`hasSecret` says whether there is one). */
  oauth2: { tokenUrl: string; clientId: string; scope: string | null; audience: string | null; hasSecret: boolean; newSecret: string | null } | null;
  /** `newPassword`: one the request sent, to store; null keeps the stored one. */
  basicAuth: { username: string; hasPassword: boolean; newPassword: string | null } | null;
  headers: { name: string; value: string }[];
  bodyTemplate: string | null;
  failureNotifyUserIds: number[];
  failureLimit: number;
  maxConcurrency: number | null;
  rateLimitPerMinute: number | null;
}

/** A new webhook as the request defines it, with the defaults of SPEC §3. */
export function createdDraft(dto: CreateWebhookDto): WebhookDraft {
  return {
    name: dto.name,
    triggerType: dto.triggerType,
    dataTrigger: dto.dataTrigger ?? null,
    url: dto.url,
    method: dto.method ?? 'POST',
    contentType: dto.contentType ?? 'JSON',
    authType: dto.authType ?? 'NONE',
    oauth2: dto.oauth2 ? sentOauth2(dto.oauth2, false) : null,
    basicAuth: dto.basicAuth ? sentBasicAuth(dto.basicAuth, false) : null,
    headers: (dto.headers ?? []).map((h) => ({ name: h.name, value: h.value })),
    bodyTemplate: dto.bodyTemplate ?? null,
    failureNotifyUserIds: dto.failureNotifyUserIds ?? [],
    failureLimit: dto.failureLimit ?? 10,
    maxConcurrency: dto.maxConcurrency ?? null,
    rateLimitPerMinute: dto.rateLimitPerMinute ?? null,
  };
}

/** OAuth2 settings as sent; without a secret, the stored one (if `stored`) is kept. */
function sentOauth2(o: NonNullable<CreateWebhookDto['oauth2']>, stored: boolean): WebhookDraft['oauth2'] {
  const newSecret = o.clientSecret || null;
  return { tokenUrl: o.tokenUrl, clientId: o.clientId, scope: o.scope ?? null, audience: o.audience ?? null, hasSecret: !!newSecret || stored, newSecret };
}

/** Basic credentials as sent; without a password, the stored one (if `stored`) is kept. */
function sentBasicAuth(b: NonNullable<CreateWebhookDto['basicAuth']>, stored: boolean): WebhookDraft['basicAuth'] {
  const newPassword = b.password || null;
  return { username: b.username, hasPassword: !!newPassword || stored, newPassword };
}

/** The stored webhook with the request's fields applied: what the update must validate. */
export function updatedDraft(current: Webhook, dto: UpdateWebhookDto): WebhookDraft {
  const authType = dto.authType ?? current.authType;
  // Switching auth type away drops the old credentials unless new ones are sent.
  const keepOauth = authType === 'OAUTH2' && dto.oauth2 === undefined && current.authType === 'OAUTH2';
  const keepBasic = authType === 'BASIC' && dto.basicAuth === undefined && current.authType === 'BASIC';
  // An omitted secret keeps the stored one (write-only fields are not echoed back to clients).
  const storedOauthSecret = current.authType === 'OAUTH2' && !!current.oauth2ClientSecretEnc;
  const storedPassword = current.authType === 'BASIC' && !!current.basicPasswordEnc;
  return {
    name: dto.name ?? current.name,
    triggerType: dto.triggerType ?? current.triggerType,
    dataTrigger: dto.dataTrigger !== undefined ? dto.dataTrigger : ((current.dataTrigger as Record<string, unknown> | null) ?? null),
    url: dto.url ?? current.url,
    method: dto.method ?? current.method,
    contentType: dto.contentType ?? current.contentType,
    authType,
    oauth2: keepOauth
      ? { tokenUrl: current.oauth2TokenUrl!, clientId: current.oauth2ClientId!, scope: current.oauth2Scope, audience: current.oauth2Audience, hasSecret: storedOauthSecret, newSecret: null }
      : dto.oauth2
        ? sentOauth2(dto.oauth2, storedOauthSecret)
        : null,
    basicAuth: keepBasic ? { username: current.basicUsername!, hasPassword: storedPassword, newPassword: null } : dto.basicAuth ? sentBasicAuth(dto.basicAuth, storedPassword) : null,
    headers: dto.headers ? dto.headers.map((h) => ({ name: h.name, value: h.value })) : ((current.headers as WebhookDraft['headers']) ?? []),
    bodyTemplate: dto.bodyTemplate !== undefined ? dto.bodyTemplate : current.bodyTemplate,
    failureNotifyUserIds: dto.failureNotifyUserIds ?? current.failureNotifyUserIds,
    failureLimit: dto.failureLimit ?? current.failureLimit,
    maxConcurrency: dto.maxConcurrency !== undefined ? dto.maxConcurrency : current.maxConcurrency,
    rateLimitPerMinute: dto.rateLimitPerMinute !== undefined ? dto.rateLimitPerMinute : current.rateLimitPerMinute,
  };
}

/** A template without its Handlebars comments (`{{! … }}`, `{{!-- … --}}`), which render to nothing. */
export const withoutComments = (template: string) => template.replace(/\{\{!--[\s\S]*?--\}\}|\{\{![\s\S]*?\}\}/g, '');

/** A URL template's scheme and authority, lower-cased, comments left out: where its requests go. */
function originOf(template: string): string {
  const bare = withoutComments(template);
  const m = /^([a-z][a-z0-9+.-]*:\/\/)([^/?#]*)/i.exec(bare);
  if (!m) return bare.toLowerCase();
  try {
    if (!/[{<]/.test(m[2])) return new URL(m[1] + m[2]).origin;
  } catch {
    /* compared as text below */
  }
  return (m[1] + m[2]).toLowerCase();
}

/**
 * A stored secret goes only where it was entered (SPEC §3 write-only
 * secrets): an update that sends a Basic webhook to another origin, or an
 * OAuth2 webhook's client secret to another token URL, must send the secret
 * again. Otherwise a client that can edit webhooks but never saw the secret
 * could point it at a server of its own.
 */
export function unboundSecretErrors(current: Webhook, draft: WebhookDraft): FieldError[] {
  const errors: FieldError[] = [];
  if (draft.basicAuth && current.authType === 'BASIC' && !draft.basicAuth.newPassword && originOf(draft.url) !== originOf(current.url)) {
    errors.push({ field: 'basicAuth.password', message: "basicAuth.password must be sent again when the url's origin changes: a stored password goes only where it was entered" });
  }
  if (draft.oauth2 && current.authType === 'OAUTH2' && !draft.oauth2.newSecret && draft.oauth2.tokenUrl !== current.oauth2TokenUrl) {
    errors.push({ field: 'oauth2.clientSecret', message: 'oauth2.clientSecret must be sent again when tokenUrl changes: a stored client secret goes only where it was entered' });
  }
  return errors;
}

