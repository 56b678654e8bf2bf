import { randomBytes, randomUUID } from 'node:crypto';
import { Injectable, Logger } from '@nestjs/common';
import { Conflict, FieldError, NotFound, Page, SecretCipher, ValidationFailed, WEBHOOK_NOT_FOUND } from '@hookline/common';
import { Prisma, PrismaService, Webhook } from '@hookline/db';
import { WebhookExecutor, toExecutableWebhook } from '@hookline/delivery';
import { eventTypeForTrigger, sampleEvent } from '@hookline/events';
import { CreateWebhookDto, ListWebhooksQueryDto, TestAttemptDto, UpdateWebhookDto, WebhookDto } from './dto/webhook.dto';
import { toWebhookDto } from './webhook.mapper';
import { WebhookDraft, createdDraft, unboundSecretErrors, updatedDraft } from './webhook-draft';
import { WebhookValidator } from './webhook.validator';

/** Fields that may be sent as null to clear them; any other null is a 400. */
const NULLABLE = new Set(['dataTrigger', 'bodyTemplate', 'oauth2', 'basicAuth']);

const SECRET_OVERLAP_MS = 24 * 3600 * 1000;

/** Cancels a webhook's queued deliveries; ones a worker is sending right now finish. */
export function cancelPendingDeliveries(tx: Prisma.TransactionClient, webhookId: number): Promise<number> {
  return tx.$executeRaw`
    UPDATE delivery SET status = 'CANCELLED', completed_at = now()
    WHERE webhook_id = ${webhookId} AND status = 'PENDING' AND (claim_expires_at IS NULL OR claim_expires_at < now())`;
}

/** A data-trigger webhook's test event carries the values its filter matches. */
function sampleDataTrigger(dt: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  if (dt.datastreamId !== undefined) out.datastream_id = dt.datastreamId;
  if (dt.eventCode !== undefined) out.event_code = dt.eventCode;
  if (dt.deviceId !== undefined) out.device_id = dt.deviceId;
  return out;
}

/** Standard Webhooks signing secret: `whsec_` + base64 of 24 random bytes. */
export function newSigningSecret(): string {
  return `whsec_${randomBytes(24).toString('base64')}`;
}

@Injectable()
export class WebhooksService {
  private readonly logger = new Logger(WebhooksService.name);

  constructor(
    private readonly prisma: PrismaService,
    private readonly validator: WebhookValidator,
    private readonly cipher: SecretCipher,
    private readonly executor: WebhookExecutor,
  ) {}

  async list(organizationId: number, q: ListWebhooksQueryDto): Promise<Page<WebhookDto>> {
    const where: Prisma.WebhookWhereInput = { organizationId, deletedAt: null, status: q.status, triggerType: q.triggerType };
    const [rows, total] = await Promise.all([
      this.prisma.webhook.findMany({ where, orderBy: { id: 'asc' }, skip: q.page * q.size, take: q.size }),
      this.prisma.webhook.count({ where }),
    ]);
    return { items: rows.map(toWebhookDto), page: q.page, size: q.size, total };
  }

  async get(organizationId: number, id: number): Promise<WebhookDto> {
    return toWebhookDto(await this.find(organizationId, id));
  }

  async create(organizationId: number, dto: CreateWebhookDto): Promise<WebhookDto> {
    rejectNulls(dto);
    const draft = createdDraft(dto);
    await this.assertValid(organizationId, draft);
    const signingSecret = newSigningSecret();
    const row = await this.prisma.webhook.create({
      data: {
        organizationId,
        ...this.columns(draft, dto),
        // DISABLED_DUE_TO_ERRORS is the system's to set: a create asking for it gets ENABLED.
        status: dto.status === 'DISABLED' ? 'DISABLED' : 'ENABLED',
        signingSecretEnc: this.cipher.encrypt(signingSecret),
      },
    });
    this.logger.log({ msg: 'webhook created', organizationId, webhookId: row.id, triggerType: row.triggerType });
    return { ...toWebhookDto(row), signingSecret };
  }

  /**
   * Applies the request's fields to the stored webhook and writes only the
   * columns that change, with the row locked from the read to the write: a
   * concurrent update, a user deletion editing failureNotifyUserIds or the
   * worker disabling it waits, then applies to this result instead of being
   * overwritten by a stale copy. NO KEY UPDATE, so ingestion's foreign-key
   * checks are not blocked.
   */
  async update(organizationId: number, id: number, dto: UpdateWebhookDto): Promise<WebhookDto> {
    rejectNulls(dto);
    const org = await this.prisma.organization.findUniqueOrThrow({ where: { id: organizationId }, select: { name: true } });
    await this.prisma.$transaction(async (tx) => {
      const locked = await tx.$queryRaw<unknown[]>`
        SELECT id FROM webhook WHERE id = ${id} AND organization_id = ${organizationId} AND deleted_at IS NULL FOR NO KEY UPDATE`;
      if (!locked.length) throw new NotFound(WEBHOOK_NOT_FOUND);
      const current = await tx.webhook.findUniqueOrThrow({ where: { id } });
      const draft = updatedDraft(current, dto);
      // Only the users the request names: a stored one deleted meanwhile is removed by its deletion.
      const errors = [...unboundSecretErrors(current, dto, draft), ...(await this.validator.validate(organizationId, draft, org.name, dto.failureNotifyUserIds ?? []))];
      if (errors.length) throw new ValidationFailed(errors);
      const data = this.changes(draft, dto, current);
      if (Object.keys(data).length) await tx.webhook.update({ where: { id }, data });
      // A webhook that is not ENABLED gets nothing more: its queued deliveries end CANCELLED.
      if (dto.status === 'DISABLED') await cancelPendingDeliveries(tx, id);
    });
    this.logger.log({ msg: 'webhook updated', organizationId, webhookId: id });
    return this.get(organizationId, id);
  }

  /** The columns whose stored value the update changes (SPEC §3 status rules included). */
  private changes(draft: WebhookDraft, dto: UpdateWebhookDto, current: Webhook): Prisma.WebhookUpdateInput {
    const next: Record<string, unknown> = this.columns(draft, dto, current);
    if (dto.status === 'ENABLED') {
      // Re-enabling resets the failure count (SPEC §3).
      Object.assign(next, { status: 'ENABLED', consecutiveFailures: 0, disabledAt: null });
    } else if (dto.status === 'DISABLED') {
      next.status = 'DISABLED';
    }
    const stored = current as unknown as Record<string, unknown>;
    const comparable = (v: unknown) => JSON.stringify(v === Prisma.DbNull ? null : v);
    return Object.fromEntries(Object.entries(next).filter(([k, v]) => comparable(v) !== comparable(stored[k])));
  }

  /**
   * Soft delete: the definition disappears from the API at once and its queued
   * deliveries are cancelled; the rows go with retention.
   */
  async delete(organizationId: number, id: number): Promise<void> {
    const cancelled = await this.prisma.$transaction(async (tx) => {
      const { count } = await tx.webhook.updateMany({ where: { id, organizationId, deletedAt: null }, data: { deletedAt: new Date() } });
      if (count === 0) throw new NotFound(WEBHOOK_NOT_FOUND);
      return cancelPendingDeliveries(tx, id);
    });
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
    const org = await this.prisma.organization.findUniqueOrThrow({ where: { id: organizationId }, select: { id: true, name: true } });
    const spec = eventTypeForTrigger(row.triggerType)!;
    const now = new Date();
    const event = { ...sampleEvent(spec, now), event_id: randomUUID(), ...(row.dataTrigger as Record<string, unknown> | null ? sampleDataTrigger(row.dataTrigger as Record<string, unknown>) : {}) };
    const result = await this.executor.execute(toExecutableWebhook(row, org, this.cipher), event, `msg_test_${randomUUID().replace(/-/g, '')}`, now);
    await this.prisma.$executeRaw`UPDATE webhook SET total_attempts = total_attempts + 1, last_triggered_at = ${result.startedAt} WHERE id = ${id}`;
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
    const { count } = await this.prisma.webhook.updateMany({
      where: { id, organizationId, deletedAt: null, signingSecretEnc: current.signingSecretEnc },
      data: { signingSecretEnc: this.cipher.encrypt(signingSecret), previousSigningSecretEnc: current.signingSecretEnc, previousSecretExpiresAt },
    });
    if (count === 0) throw new Conflict('The secret was rotated concurrently; try again');
    this.logger.log({ msg: 'signing secret rotated', organizationId, webhookId: id });
    return { signingSecret, previousSecretExpiresAt: previousSecretExpiresAt.getTime() };
  }

  async find(organizationId: number, id: number): Promise<Webhook> {
    const row = await this.prisma.webhook.findFirst({ where: { id, organizationId, deletedAt: null } });
    if (!row) throw new NotFound(WEBHOOK_NOT_FOUND);
    return row;
  }

  private async assertValid(organizationId: number, draft: WebhookDraft) {
    const org = await this.prisma.organization.findUniqueOrThrow({ where: { id: organizationId }, select: { name: true } });
    const errors = await this.validator.validate(organizationId, draft, org.name, draft.failureNotifyUserIds);
    if (errors.length) throw new ValidationFailed(errors);
  }

  /** Column values for a validated draft; new secrets are encrypted, omitted ones kept. */
  private columns(draft: WebhookDraft, dto: CreateWebhookDto | UpdateWebhookDto, current?: Webhook) {
    const oauthSecret = dto.oauth2?.clientSecret ? this.cipher.encrypt(dto.oauth2.clientSecret) : draft.oauth2 ? (current?.oauth2ClientSecretEnc ?? null) : null;
    const basicPassword = dto.basicAuth?.password ? this.cipher.encrypt(dto.basicAuth.password) : draft.basicAuth ? (current?.basicPasswordEnc ?? null) : null;
    return {
      name: draft.name,
      triggerType: draft.triggerType,
      dataTrigger: draft.dataTrigger === null ? Prisma.DbNull : (draft.dataTrigger as Prisma.InputJsonValue),
      url: draft.url,
      method: draft.method,
      contentType: draft.contentType,
      authType: draft.authType,
      oauth2TokenUrl: draft.oauth2?.tokenUrl ?? null,
      oauth2ClientId: draft.oauth2?.clientId ?? null,
      oauth2ClientSecretEnc: oauthSecret,
      oauth2Scope: draft.oauth2?.scope ?? null,
      oauth2Audience: draft.oauth2?.audience ?? null,
      basicUsername: draft.basicAuth?.username ?? null,
      basicPasswordEnc: basicPassword,
      headers: draft.headers as Prisma.InputJsonValue,
      bodyTemplate: draft.bodyTemplate,
      failureNotifyUserIds: draft.failureNotifyUserIds,
      failureLimit: draft.failureLimit,
    };
  }
}

/** class-validator's IsOptional lets null through; only the clearable fields may be null. */
function rejectNulls(dto: object) {
  const errors: FieldError[] = Object.entries(dto)
    .filter(([k, v]) => v === null && !NULLABLE.has(k))
    .map(([k]) => ({ field: k, message: `${k} must not be null` }));
  if (errors.length) throw new ValidationFailed(errors);
}
