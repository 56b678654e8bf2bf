import { randomBytes, randomUUID } from 'node:crypto';
import { Injectable, Logger } from '@nestjs/common';
import { Conflict, FieldError, NotFound, Page, SecretCipher, ValidationFailed, WEBHOOK_NOT_FOUND } from '@hookline/common';
import { DeliveriesRepository, OrganizationsRepository, Webhook, WebhookCountersRepository, WebhookUpdate, WebhooksRepository } from '@hookline/db';
import { WebhookExecutor, toExecutableWebhook } from '@hookline/delivery';
import { EventTypeSpec, eventTypeForTrigger, sampleEvent } from '@hookline/events';
import { TestAttemptDto, WebhookDto } from './dto/webhook-view.dto';
import { CreateWebhookDto, ListWebhooksQueryDto, UpdateWebhookDto } from './dto/webhook.dto';
import { toWebhookDto } from './webhook.mapper';
import { columnsOf } from './webhook-columns';
import { createdDraft, unboundSecretErrors, updatedDraft } from './webhook-draft';
import { WebhookValidator } from './webhook.validator';

/** Fields that may be sent as null to clear them; any other null is a 400. */
const NULLABLE = new Set(['dataTrigger', 'bodyTemplate', 'oauth2', 'basicAuth', 'maxConcurrency', 'rateLimitPerMinute']);

const SECRET_OVERLAP_MS = 24 * 3600 * 1000;

/**
 * The event a test send (of a webhook or of a draft) goes out with: the
 * trigger's sample with a fresh event_id, carrying the values a data
 * trigger's filter matches.
 */
export function testEvent(spec: EventTypeSpec, dataTrigger: Record<string, unknown> | null, now = new Date()): Record<string, unknown> {
  const dt = dataTrigger ?? {};
  const matched: Record<string, unknown> = {};
  if (dt.datastreamId !== undefined) matched.datastream_id = dt.datastreamId;
  if (dt.eventCode !== undefined) matched.event_code = dt.eventCode;
  if (dt.deviceId !== undefined) matched.device_id = dt.deviceId;
  return { ...sampleEvent(spec, now), event_id: randomUUID(), ...matched };
}

/** A test send's webhook-id: never a delivery's `msg_<id>`, so a receiver does not take it for one. */
export const testMessageId = () => `msg_test_${randomUUID().replace(/-/g, '')}`;

/** Standard Webhooks signing secret: `whsec_` + base64 of 24 random bytes. */
export function newSigningSecret(): string {
  return `whsec_${randomBytes(24).toString('base64')}`;
}

@Injectable()
export class WebhooksService {
  private readonly logger = new Logger(WebhooksService.name);

  constructor(
    private readonly webhooks: WebhooksRepository,
    private readonly counters: WebhookCountersRepository,
    private readonly deliveries: DeliveriesRepository,
    private readonly organizations: OrganizationsRepository,
    private readonly validator: WebhookValidator,
    private readonly cipher: SecretCipher,
    private readonly executor: WebhookExecutor,
  ) {}

  async list(organizationId: number, q: ListWebhooksQueryDto): Promise<Page<WebhookDto>> {
    const { rows, total } = await this.webhooks.list(organizationId, { status: q.status, triggerType: q.triggerType }, q.page, q.size);
    return { items: rows.map(toWebhookDto), page: q.page, size: q.size, total };
  }

  async get(organizationId: number, id: number): Promise<WebhookDto> {
    return toWebhookDto(await this.find(organizationId, id));
  }

  async create(organizationId: number, dto: CreateWebhookDto): Promise<WebhookDto> {
    rejectNulls(dto);
    const draft = createdDraft(dto);
    const errors = await this.validator.validate(organizationId, draft, draft.failureNotifyUserIds);
    if (errors.length) throw new ValidationFailed(errors);
    const signingSecret = newSigningSecret();
    // DISABLED_DUE_TO_ERRORS is the system's to set: a create asking for it gets ENABLED.
    const row = await this.webhooks.create(organizationId, columnsOf(draft, this.cipher), dto.status === 'DISABLED' ? 'DISABLED' : 'ENABLED', this.cipher.encrypt(signingSecret));
    this.logger.log({ msg: 'webhook created', organizationId, webhookId: row.id, triggerType: row.triggerType });
    return { ...toWebhookDto(row), signingSecret };
  }

  /**
   * Applies the request's fields to the stored webhook, validated as a whole
   * against the row as it is now (the repository locks it from the read to the
   * write, and writes only what changes).
   */
  async update(organizationId: number, id: number, dto: UpdateWebhookDto): Promise<WebhookDto> {
    rejectNulls(dto);
    const found = await this.webhooks.update(organizationId, id, async (current) => {
      const draft = updatedDraft(current, dto);
      // Only the users the request names: a stored one deleted meanwhile is removed by its deletion.
      const errors = [...unboundSecretErrors(current, draft), ...(await this.validator.validate(organizationId, draft, dto.failureNotifyUserIds ?? []))];
      if (errors.length) throw new ValidationFailed(errors);
      return { ...columnsOf(draft, this.cipher, current), ...statusChange(dto.status), ...(dto.status === 'ENABLED' || draft.url !== current.url ? CIRCUIT_CLOSED : {}) };
    });
    if (!found) throw new NotFound(WEBHOOK_NOT_FOUND);
    // A webhook that is not ENABLED gets nothing more: its queued deliveries end CANCELLED.
    if (dto.status === 'DISABLED') await this.deliveries.cancelPending([id]);
    this.logger.log({ msg: 'webhook updated', organizationId, webhookId: id });
    return this.get(organizationId, id);
  }

  /**
   * Soft delete: the definition disappears from the API at once and its queued
   * deliveries are cancelled; the rows go with retention.
   */
  async delete(organizationId: number, id: number): Promise<void> {
    if (!(await this.webhooks.softDelete(organizationId, id))) throw new NotFound(WEBHOOK_NOT_FOUND);
    const cancelled = await this.deliveries.cancelPending([id]);
    this.logger.log({ msg: 'webhook deleted', organizationId, webhookId: id, cancelledDeliveries: cancelled });
  }

  /**
   * One request now with a sample event of the trigger (SPEC §3). It counts in
   * totalAttempts and lastTriggeredAt, but not in the failure count: a test
   * never disables a webhook. It works on a disabled webhook too, to check an
   * endpoint before re-enabling.
   */
  async test(organizationId: number, id: number): Promise<TestAttemptDto> {
    const row = await this.find(organizationId, id);
    const org = await this.organizations.get(organizationId);
    const spec = eventTypeForTrigger(row.triggerType)!;
    const now = new Date();
    const event = testEvent(spec, row.dataTrigger as Record<string, unknown> | null, now);
    const result = await this.executor.execute(toExecutableWebhook(row, { id: org.id, name: org.name }, this.cipher), event, testMessageId(), now);
    await this.counters.addTestAttempt(organizationId, id, result.startedAt);
    this.logger.log({ msg: 'webhook test', organizationId, webhookId: id, ok: result.outcome.ok, responseStatus: result.responseStatus });
    return {
      status: result.outcome.ok ? 'SUCCEEDED' : 'FAILED',
      startedAt: result.startedAt.getTime(),
      requestMethod: result.requestMethod,
      requestUrl: result.requestUrl,
      responseStatus: result.responseStatus,
      durationMs: result.durationMs,
      responseBody: result.responseBody,
      error: result.error,
      event,
    };
  }

  /** New signing secret; the old one keeps signing (a second signature) for 24 h. */
  async rotateSecret(organizationId: number, id: number): Promise<{ signingSecret: string; previousSecretExpiresAt: number }> {
    const current = await this.find(organizationId, id);
    const signingSecret = newSigningSecret();
    const previousSecretExpiresAt = new Date(Date.now() + SECRET_OVERLAP_MS);
    const rotated = await this.webhooks.rotateSecret(organizationId, id, current.signingSecretEnc, this.cipher.encrypt(signingSecret), previousSecretExpiresAt);
    if (!rotated) throw new Conflict('The secret was rotated concurrently; try again');
    this.logger.log({ msg: 'signing secret rotated', organizationId, webhookId: id });
    return { signingSecret, previousSecretExpiresAt: previousSecretExpiresAt.getTime() };
  }

  async find(organizationId: number, id: number): Promise<Webhook> {
    const row = await this.webhooks.find(organizationId, id);
    if (!row) throw new NotFound(WEBHOOK_NOT_FOUND);
    return row;
  }
}

/** Re-enabling a webhook, or pointing it at another URL, starts its circuit breaker afresh (issue #11). */
const CIRCUIT_CLOSED: WebhookUpdate = { circuitFailures: 0, circuitTrips: 0, circuitOpenUntil: null, circuitProbeAt: null };

/** SPEC §3: re-enabling resets the failure count; DISABLED_DUE_TO_ERRORS is never the client's to set. */
function statusChange(status: UpdateWebhookDto['status']): WebhookUpdate {
  if (status === 'ENABLED') return { status: 'ENABLED', consecutiveFailures: 0, disabledAt: null };
  if (status === 'DISABLED') return { status: 'DISABLED' };
  return {};
}

/** class-validator's IsOptional lets null through; only the clearable fields may be null. */
function rejectNulls(dto: object) {
  const errors: FieldError[] = Object.entries(dto)
    .filter(([k, v]) => v === null && !NULLABLE.has(k))
    .map(([k]) => ({ field: k, message: `${k} must not be null` }));
  if (errors.length) throw new ValidationFailed(errors);
}
