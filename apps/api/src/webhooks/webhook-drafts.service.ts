import { Injectable, Logger } from '@nestjs/common';
import { ValidationFailed } from '@hookline/common';
import { OrganizationsRepository } from '@hookline/db';
import { ExecutableWebhook, OutgoingRequest, WebhookExecutor } from '@hookline/delivery';
import { eventTypeForTrigger, validateEvent } from '@hookline/events';
import { TemplateError } from '@hookline/templating';
import { DraftTestDto, RenderedRequestDto, WebhookDraftDto, WebhookPreviewDto } from './dto/webhook-draft.dto';
import { WebhookDraft, createdDraft } from './webhook-draft';
import { WebhookValidator } from './webhook.validator';
import { newSigningSecret, testEvent, testMessageId } from './webhooks.service';

/** Drafts are not webhooks yet: id 0 in templates and in the OAuth2 token cache key (which also hashes the credentials). */
const DRAFT_ID = 0;

/**
 * What a webhook being edited would send, before it is saved (issue #14): the
 * rendered request for an event, and one real request to its URL. A draft is
 * validated exactly as a create would be; nothing is stored or counted.
 */
@Injectable()
export class WebhookDraftsService {
  private readonly logger = new Logger(WebhookDraftsService.name);

  constructor(
    private readonly validator: WebhookValidator,
    private readonly organizations: OrganizationsRepository,
    private readonly executor: WebhookExecutor,
  ) {}

  async preview(organizationId: number, dto: WebhookDraftDto): Promise<WebhookPreviewDto> {
    const { webhook, event } = await this.prepare(organizationId, dto, newSigningSecret());
    try {
      return { request: shown(this.executor.render(webhook, event, new Date()), webhook), event };
    } catch (err) {
      if (err instanceof TemplateError) throw ValidationFailed.field('event', `the templates do not render with this event: ${err.message}`);
      throw err;
    }
  }

  /** One request now, signed with a one-off secret; SSRF rules and timeouts as for any delivery. */
  async test(organizationId: number, dto: WebhookDraftDto): Promise<DraftTestDto> {
    const signingSecret = newSigningSecret();
    const { webhook, event } = await this.prepare(organizationId, dto, signingSecret);
    const now = new Date();
    const result = await this.executor.execute(webhook, event, testMessageId(), now);
    this.logger.log({ msg: 'webhook draft test', organizationId, ok: result.outcome.ok, responseStatus: result.responseStatus });
    let request: RenderedRequestDto;
    try {
      request = shown(this.executor.render(webhook, event, now), webhook);
    } catch {
      request = { method: webhook.method, url: result.requestUrl, headers: {}, body: null };
    }
    return {
      status: result.outcome.ok ? 'SUCCEEDED' : 'FAILED',
      request,
      responseStatus: result.responseStatus,
      responseHeaders: result.responseHeaders ?? null,
      responseBody: result.responseBody,
      durationMs: result.durationMs,
      error: result.error,
      signingSecret,
      event,
    };
  }

  /** The draft validated as a create, and the event it renders with (the request's, checked, or a sample). */
  private async prepare(organizationId: number, dto: WebhookDraftDto, signingSecret: string) {
    const { event: given, ...definition } = dto;
    const draft = createdDraft(definition);
    const errors = await this.validator.validate(organizationId, draft, draft.failureNotifyUserIds);
    const spec = eventTypeForTrigger(draft.triggerType);
    let event: Record<string, unknown> | undefined;
    if (given !== undefined && spec) {
      const checked = validateEvent(given, 'event.');
      errors.push(...checked.errors);
      if (checked.event && checked.event.spec !== spec) errors.push({ field: 'event.event_type', message: `event_type must be ${spec.eventType} for ${draft.triggerType}` });
      event = checked.event?.payload;
    } else if (spec) {
      event = testEvent(spec, draft.dataTrigger);
    }
    if (errors.length || !event) throw new ValidationFailed(errors);
    const org = await this.organizations.get(organizationId);
    return { webhook: executableDraft(draft, { id: org.id, name: org.name }, signingSecret), event };
  }
}

function executableDraft(draft: WebhookDraft, organization: { id: number; name: string }, signingSecret: string): ExecutableWebhook {
  const { oauth2, basicAuth } = draft;
  return {
    id: DRAFT_ID,
    name: draft.name,
    organization,
    url: draft.url,
    method: draft.method,
    contentType: draft.contentType,
    headers: draft.headers,
    bodyTemplate: draft.bodyTemplate,
    maxConcurrency: draft.maxConcurrency,
    rateLimitPerMinute: draft.rateLimitPerMinute,
    // The validator has required the secrets of the chosen auth type: a draft has no stored ones.
    basicAuth: draft.authType === 'BASIC' && basicAuth?.newPassword ? { username: basicAuth.username, password: basicAuth.newPassword } : null,
    oauth2:
      draft.authType === 'OAUTH2' && oauth2?.newSecret
        ? { webhookId: DRAFT_ID, tokenUrl: oauth2.tokenUrl, clientId: oauth2.clientId, clientSecret: oauth2.newSecret, scope: oauth2.scope, audience: oauth2.audience }
        : null,
    signingSecrets: [signingSecret],
  };
}

/** The rendered request as the console shows it: credentials hidden, the values made at send time described. */
function shown(request: OutgoingRequest, webhook: ExecutableWebhook): RenderedRequestDto {
  const headers: Record<string, string> = { ...request.headers };
  if (webhook.basicAuth) headers.authorization = `Basic <${webhook.basicAuth.username}:password, base64>`;
  if (webhook.oauth2) headers.authorization = `Bearer <a token from ${webhook.oauth2.tokenUrl}>`;
  headers['webhook-id'] = '<msg_ and the delivery id>';
  headers['webhook-timestamp'] = '<seconds since the epoch, when sent>';
  headers['webhook-signature'] = '<v1, HMAC-SHA256 with the signing secret>';
  return { method: request.method, url: request.url, headers, body: request.body ?? null };
}
