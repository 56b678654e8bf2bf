import { HOOKLINE_VERSION } from '@hookline/common';
import type { AttemptFields } from '@hookline/db';
import { Destination, RenderScope, TemplateError, compileTemplate } from '@hookline/templating';
import { HttpClient, HttpResponse, OutgoingRequest, RequestFailedError } from './http-client';
import { OAuth2Credentials, OAuth2TokenProvider, TokenError } from './oauth2-token.provider';
import { AttemptOutcome, FailureKind, outcomeOfFailure, outcomeOfStatus, parseRetryAfter } from './outcome';
import { signatureHeader } from './signature';

/** Everything needed to send one webhook request; secrets decrypted, never logged. */
export interface ExecutableWebhook {
  id: number;
  name: string;
  organization: { id: number; name: string };
  url: string;
  method: OutgoingRequest['method'];
  contentType: 'JSON' | 'PLAIN_TEXT' | 'URL_ENCODED_FORM';
  headers: { name: string; value: string }[];
  bodyTemplate: string | null;
  /** Requests in flight per worker, if the webhook sets its own cap (the worker's setting caps it). */
  maxConcurrency: number | null;
  /** Requests per minute across all workers, paced; null: no limit. */
  rateLimitPerMinute: number | null;
  basicAuth: { username: string; password: string } | null;
  oauth2: OAuth2Credentials | null;
  /** Current secret first, then a rotated one still inside its overlap. */
  signingSecrets: string[];
}

/** One attempt as the delivery log shows it (SPEC §5.7), plus what it means. */
export interface AttemptResult extends AttemptFields {
  outcome: AttemptOutcome;
  retryAfterMs: number | null;
  /** The receiver's answer headers, when one came (not stored: the delivery log keeps status and body excerpt). */
  responseHeaders?: Record<string, string>;
}

const MIME_TYPES = { JSON: 'application/json', PLAIN_TEXT: 'text/plain; charset=utf-8', URL_ENCODED_FORM: 'application/x-www-form-urlencoded' } as const;
/** Where a body template's placeholders go, by content type: how they are escaped. */
export const BODY_DESTINATION: Record<ExecutableWebhook['contentType'], Destination> = { JSON: 'json', PLAIN_TEXT: 'text', URL_ENCODED_FORM: 'form' };
const USER_AGENT = `Hookline/${HOOKLINE_VERSION}`;

class AttemptFailure extends Error {
  constructor(
    readonly kind: FailureKind,
    message: string,
  ) {
    super(message);
  }
}

/**
 * Renders, authenticates, signs and sends one attempt (SPEC §5.1–§5.3). Every
 * failure, render and token errors included, comes back as a failed attempt;
 * nothing here throws for a bad webhook or a bad receiver.
 */
export class WebhookExecutor {
  constructor(
    private readonly http: HttpClient,
    private readonly tokens: OAuth2TokenProvider,
  ) {}

  async execute(webhook: ExecutableWebhook, event: Record<string, unknown>, msgId: string, now = new Date()): Promise<AttemptResult> {
    const started = process.hrtime.bigint();
    const elapsed = () => Math.round(Number(process.hrtime.bigint() - started) / 1e6);
    let requestUrl = webhook.url;
    try {
      const request = this.render(webhook, event, now);
      requestUrl = request.url;
      const timestamp = Math.floor(now.getTime() / 1000);
      request.headers['webhook-id'] = msgId;
      request.headers['webhook-timestamp'] = String(timestamp);
      request.headers['webhook-signature'] = signatureHeader(msgId, timestamp, request.body ?? '', webhook.signingSecrets);

      const response = await this.sendWithAuth(webhook, request);
      const outcome = outcomeOfStatus(response.status);
      return {
        startedAt: now,
        requestMethod: webhook.method,
        requestUrl,
        responseStatus: response.status,
        durationMs: elapsed(),
        responseBody: response.bodyExcerpt,
        error: outcome.gone ? 'HTTP 410 Gone: the receiver asked to stop; webhook disabled' : null,
        outcome,
        retryAfterMs: parseRetryAfter(response.headers['retry-after']),
        responseHeaders: response.headers,
      };
    } catch (err) {
      const failure = toFailure(err);
      return {
        startedAt: now,
        requestMethod: webhook.method,
        requestUrl,
        responseStatus: null,
        durationMs: elapsed(),
        responseBody: null,
        error: `${failure.kind} error: ${failure.message}`,
        outcome: outcomeOfFailure(failure.kind),
        retryAfterMs: null,
      };
    }
  }

  /** The request a webhook makes for an event, before auth tokens and signatures; also what a preview shows. Throws TemplateError. */
  render(webhook: ExecutableWebhook, event: Record<string, unknown>, now: Date): OutgoingRequest {
    const ctx = new RenderScope({ event, webhook: { id: webhook.id, name: webhook.name }, organization: webhook.organization, now });
    const headers: Record<string, string> = { 'user-agent': USER_AGENT, accept: '*/*' };
    for (const h of webhook.headers) headers[h.name.toLowerCase()] = compileTemplate(h.value, 'header').render(ctx);
    const url = compileTemplate(webhook.url, 'url').render(ctx);
    let body: string | undefined;
    if (webhook.method !== 'GET' && webhook.method !== 'DELETE') {
      if (webhook.bodyTemplate === null) {
        // No template: the event object itself, as JSON (SPEC §5.1).
        body = JSON.stringify(event);
        headers['content-type'] = MIME_TYPES.JSON;
      } else {
        body = compileTemplate(webhook.bodyTemplate, BODY_DESTINATION[webhook.contentType]).render(ctx);
        headers['content-type'] = MIME_TYPES[webhook.contentType];
      }
    }
    if (webhook.basicAuth) {
      headers.authorization = `Basic ${Buffer.from(`${webhook.basicAuth.username}:${webhook.basicAuth.password}`).toString('base64')}`;
    }
    return { method: webhook.method, url, headers, body };
  }

  /** OAuth2: a 401 drops the token, fetches a new one and retries once, within the same attempt. */
  private async sendWithAuth(webhook: ExecutableWebhook, request: OutgoingRequest): Promise<HttpResponse> {
    if (!webhook.oauth2) return this.http.send(request);
    const token = await this.tokens.getToken(webhook.oauth2);
    const first = await this.http.send({ ...request, headers: { ...request.headers, authorization: `Bearer ${token}` } });
    if (first.status !== 401) return first;
    await this.tokens.invalidate(webhook.oauth2, token);
    const fresh = await this.tokens.getToken(webhook.oauth2);
    return this.http.send({ ...request, headers: { ...request.headers, authorization: `Bearer ${fresh}` } });
  }
}

function toFailure(err: unknown): AttemptFailure {
  if (err instanceof TemplateError) return new AttemptFailure('render', err.message);
  if (err instanceof TokenError) return new AttemptFailure('token', err.message);
  if (err instanceof RequestFailedError) return new AttemptFailure(err.kind, err.message);
  return new AttemptFailure('network', (err as Error)?.message ?? String(err));
}
