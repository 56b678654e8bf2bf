/** What the public API answers and takes, as the console uses it. */

export interface FieldError {
  field: string;
  message: string;
}

export interface Page<T> {
  items: T[];
  page: number;
  size: number;
  total: number;
}

export interface Webhook {
  id: number;
  name: string;
  triggerType: string;
  url: string;
  method: string;
  contentType: string;
  bodyTemplate: string | null;
  headers: { name: string; value: string }[];
  authType: string;
  basicAuth: { username: string } | null;
  oauth2: { tokenUrl: string; clientId: string; scope: string | null; audience: string | null } | null;
  failureNotifyUserIds: number[];
  dataTrigger: Draft['dataTrigger'];
  maxConcurrency: number | null;
  rateLimitPerMinute: number | null;
  status: 'ENABLED' | 'DISABLED' | 'DISABLED_DUE_TO_ERRORS';
  consecutiveFailures: number;
  failureLimit: number;
  totalAttempts: number;
  lastTriggeredAt: number | null;
}

export interface Organization {
  id: number;
  name: string;
  parentId: number | null;
}

export interface User {
  id: number;
  email: string;
  name: string;
}

export interface ApiClientRow {
  clientId: string;
  name: string;
  permissions: string[];
  createdAt: number;
}

export const PERMISSIONS = ['WEBHOOKS_READ', 'WEBHOOKS_WRITE', 'EVENTS_PUBLISH', 'ORG_ADMIN'];

export interface EventType {
  triggerType: string;
  eventType: string;
  description: string;
  fields: { name: string; type: string; required: boolean; values?: string[] }[];
  placeholders: string[];
}

/** A webhook as the editor holds it: the body of a create. */
export interface Draft {
  name: string;
  triggerType: string;
  url: string;
  method: string;
  contentType: string;
  bodyTemplate: string | null;
  headers: { name: string; value: string }[];
  failureLimit: number;
  authType: string;
  /** Write-only secrets: empty keeps the stored one on an update. */
  basicAuth: { username: string; password?: string } | null;
  oauth2: { tokenUrl: string; clientId: string; clientSecret?: string; scope?: string; audience?: string } | null;
  failureNotifyUserIds: number[];
  dataTrigger: { datastreamId?: number; eventCode?: string; deviceId?: string } | null;
  maxConcurrency: number | null;
  rateLimitPerMinute: number | null;
}

export interface RenderedRequest {
  method: string;
  url: string;
  headers: Record<string, string>;
  body: string | null;
}

export interface DraftTest {
  status: 'SUCCEEDED' | 'FAILED';
  request: RenderedRequest;
  responseStatus: number | null;
  responseHeaders: Record<string, string> | null;
  responseBody: string | null;
  durationMs: number;
  error: string | null;
}

export interface WebhookStats {
  from: number;
  to: number;
  attempts: number;
  succeeded: number;
  successRate: number | null;
  p50Ms: number | null;
  p95Ms: number | null;
  minutes: { minute: number; attempts: number; succeeded: number; successRate: number; p50Ms: number; p95Ms: number }[];
}

export interface Notification {
  id: number;
  webhookId: number;
  email: string;
  subject: string;
  emailStatus: string;
  disabledAt: number;
}

export interface Attempt {
  number: number;
  startedAt: number;
  requestMethod: string;
  requestUrl: string;
  responseStatus: number | null;
  durationMs: number;
  responseBody: string | null;
  error: string | null;
}

export interface Delivery {
  id: number;
  webhookId: number;
  eventId: string;
  eventType: string;
  status: string;
  createdAt: number;
  attempts: Attempt[];
}
