import { AuthType, ContentType, HttpMethod } from '@hookline/db';

/** The effective definition a create or update would store, before secrets are encrypted. */
export interface WebhookDraft {
  name: string;
  triggerType: string;
  dataTrigger: Record<string, unknown> | null;
  url: string;
  method: HttpMethod;
  contentType: ContentType;
  authType: AuthType;
  oauth2: { tokenUrl: string; clientId: string; scope: string | null; audience: string | null; hasSecret: boolean } | null;
  basicAuth: { username: string; hasPassword: boolean } | null;
  headers: { name: string; value: string }[];
  bodyTemplate: string | null;
  failureNotifyUserIds: number[];
  failureLimit: number;
}
