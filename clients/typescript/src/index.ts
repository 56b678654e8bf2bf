import createClient, { type Client, type Middleware } from 'openapi-fetch';
import type { components, paths } from './schema';

export type { components, paths } from './schema';
export type HooklineClient = Client<paths>;

export interface HooklineClientOptions {
  /** Where the API is, e.g. `http://127.0.0.1:3000`. */
  baseUrl: string;
  /** An API client's credentials (`npm run bootstrap`, or POST /api/v1/organization/clients). */
  clientId: string;
  clientSecret: string;
  /** A subset of the client's permissions, space-separated; all of them when omitted. */
  scope?: string;
  fetch?: typeof fetch;
}

/** Renew a token this long before it expires, so a request in flight never carries an expired one. */
const EARLY_RENEWAL_MS = 30_000;

/**
 * A typed client of the Hookline API: every path, body and answer of the
 * OpenAPI document (`schema.ts`, generated). It gets a token with the client
 * credentials grant on first use and renews it before it expires.
 */
export function createHooklineClient(options: HooklineClientOptions): HooklineClient {
  const fetchImpl = options.fetch ?? globalThis.fetch;
  const client = createClient<paths>({ baseUrl: options.baseUrl, fetch: fetchImpl });
  const tokens = tokenSource(options, fetchImpl);
  const auth: Middleware = {
    async onRequest({ request }) {
      request.headers.set('authorization', `Bearer ${await tokens()}`);
      return request;
    },
  };
  client.use(auth);
  return client;
}

type TokenAnswer = components['schemas']['TokenResponseDto'];

/** The current access token, fetched once for concurrent callers and again shortly before it expires. */
function tokenSource(options: HooklineClientOptions, fetchImpl: typeof fetch): () => Promise<string> {
  let current: { token: string; renewAt: number } | undefined;
  let pending: Promise<string> | undefined;
  const fetchToken = async () => {
    const form = new URLSearchParams({ grant_type: 'client_credentials', ...(options.scope ? { scope: options.scope } : {}) });
    const res = await fetchImpl(new URL('/oauth2/token', options.baseUrl), {
      method: 'POST',
      headers: { authorization: `Basic ${btoa(`${options.clientId}:${options.clientSecret}`)}`, 'content-type': 'application/x-www-form-urlencoded' },
      body: form,
    });
    if (!res.ok) throw new Error(`Hookline token request failed: ${res.status} ${await res.text()}`);
    const answer = (await res.json()) as TokenAnswer;
    current = { token: answer.access_token, renewAt: Date.now() + answer.expires_in * 1000 - EARLY_RENEWAL_MS };
    return answer.access_token;
  };
  return async () => {
    if (current && Date.now() < current.renewAt) return current.token;
    pending ??= fetchToken().finally(() => (pending = undefined));
    return pending;
  };
}
