/** The public API, as the console uses it: same origin, a bearer token held in memory only (never stored). */

import type { ApiClientRow, CreatedClient, Delivery, Draft, DraftTest, EventType, FieldError, Notification, Organization, Page, Permission, RenderedRequest, User, Webhook, WebhookStats } from './types';
export * from './types';

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

/** What to tell the user about a failed call: the API's field messages, else its message, else that it did not answer. */
export function messageOf(e: unknown): string {
  if (!(e instanceof ApiError)) return 'Hookline did not answer';
  return e.details.map((d) => d.message).join('; ') || e.message;
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
    addClient: (c: { name: string; permissions: Permission[] }) => call<CreatedClient>('POST', '/api/v1/organization/clients', c),
    revokeClient: (id: string) => call<void>('DELETE', `/api/v1/organization/clients/${id}`),
    stats: (id: number) => call<WebhookStats>('GET', `${hooks}/${id}/stats?hours=24`),
    notifications: () => call<Page<Notification>>('GET', '/api/v1/organization/notifications?size=50'),
    rotateSecret: (id: number) => call<{ signingSecret: string; previousSecretExpiresAt: number }>('POST', `${hooks}/${id}/rotate-secret`),
    webhooks: (q: { page: number; size: number; status?: string }) =>
      call<Page<Webhook>>('GET', `/api/v1/organization/webhooks?${new URLSearchParams({ page: String(q.page), size: String(q.size), ...(q.status ? { status: q.status } : {}) })}`),
  };
}

export type Client = ReturnType<typeof client>;

