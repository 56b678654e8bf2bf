/** The public API, as the console uses it: same origin, a bearer token held in memory only (never stored). */

export interface FieldError {
  field: string;
  message: string;
}

/** A non-2xx answer, in the API's standard error body. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly details: FieldError[] = [],
  ) {
    super(message);
  }
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

/**
 * client_credentials with the credentials as form fields: a refused HTTP Basic
 * answer carries `WWW-Authenticate: Basic`, on which a browser may open its own
 * password dialog.
 */
export async function signIn(clientId: string, clientSecret: string): Promise<string> {
  const res = await fetch('/oauth2/token', {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ grant_type: 'client_credentials', client_id: clientId, client_secret: clientSecret }),
  });
  const body: { access_token?: string; error?: string; error_description?: string } = await res.json().catch(() => ({}));
  if (!res.ok) throw new ApiError(res.status, res.status === 401 ? 'Unknown client id or wrong secret' : String(body.error_description ?? body.error ?? res.statusText));
  return body.access_token!;
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

/** The API as one organization sees it: `orgId` (the token's or one below it) goes with every call. */
export function client(token: string, orgId?: number) {
  const call = async <T>(method: string, path: string, body?: unknown): Promise<T> => {
    const url = orgId === undefined || !path.startsWith('/api/v1/organization') ? path : `${path}${path.includes('?') ? '&' : '?'}orgId=${orgId}`;
    const res = await fetch(url, {
      method,
      headers: { authorization: `Bearer ${token}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    const parsed = text ? JSON.parse(text) : undefined;
    if (!res.ok) throw new ApiError(res.status, parsed?.message ?? res.statusText, parsed?.details);
    return parsed as T;
  };
  const hooks = '/api/v1/organization/webhooks';
  return {
    organization: () => call<Organization>('GET', '/api/v1/organization'),
    eventTypes: () => call<{ items: EventType[] }>('GET', '/api/v1/event-types').then((r) => r.items),
    preview: (draft: Draft) => call<{ request: RenderedRequest }>('POST', `${hooks}/preview`, draft).then((r) => r.request),
    testDraft: (draft: Draft) => call<DraftTest>('POST', `${hooks}/test-draft`, draft),
    create: (draft: Draft) => call<Webhook>('POST', hooks, draft),
    update: (id: number, draft: Draft) => call<Webhook>('PUT', `${hooks}/${id}`, draft),
    enable: (id: number) => call<Webhook>('PATCH', `${hooks}/${id}`, { status: 'ENABLED' }),
    deliveries: (id: number) => call<Page<Delivery>>('GET', `${hooks}/${id}/deliveries?size=50`),
    searchDeliveries: (q: Record<string, string>) => call<Page<Delivery>>('GET', `/api/v1/organization/deliveries?${new URLSearchParams({ size: '50', ...q })}`),
    redeliver: (d: Delivery) => call<Delivery>('POST', `${hooks}/${d.webhookId}/deliveries/${d.id}/redeliver`),
    children: () => call<Page<Organization>>('GET', '/api/v1/organization/children?size=1000').then((p) => p.items),
    users: () => call<Page<User>>('GET', '/api/v1/organization/users?size=100'),
    addUser: (u: { email: string; name: string }) => call<User>('POST', '/api/v1/organization/users', u),
    removeUser: (id: number) => call<void>('DELETE', `/api/v1/organization/users/${id}`),
    clients: () => call<Page<ApiClientRow>>('GET', '/api/v1/organization/clients?size=100'),
    addClient: (c: { name: string; permissions: string[] }) => call<ApiClientRow & { clientSecret: string }>('POST', '/api/v1/organization/clients', c),
    revokeClient: (id: string) => call<void>('DELETE', `/api/v1/organization/clients/${id}`),
    stats: (id: number) => call<WebhookStats>('GET', `${hooks}/${id}/stats?hours=24`),
    notifications: () => call<Page<Notification>>('GET', '/api/v1/organization/notifications?size=50'),
    rotateSecret: (id: number) => call<{ signingSecret: string; previousSecretExpiresAt: number }>('POST', `${hooks}/${id}/rotate-secret`),
    webhooks: (q: { page: number; size: number; status?: string }) =>
      call<Page<Webhook>>('GET', `/api/v1/organization/webhooks?${new URLSearchParams({ page: String(q.page), size: String(q.size), ...(q.status ? { status: q.status } : {}) })}`),
  };
}

export type Client = ReturnType<typeof client>;

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
