import { randomBytes } from 'node:crypto';
import { Injectable, Logger } from '@nestjs/common';
import { FieldError, NotFound, Page, SecretCipher, ValidationFailed, WEBHOOK_NOT_FOUND } from '@hookline/common';
import { Prisma, PrismaService, Webhook } from '@hookline/db';
import { CreateWebhookDto, ListWebhooksQueryDto, UpdateWebhookDto, WebhookDto } from './dto/webhook.dto';
import { toWebhookDto } from './webhook.mapper';
import { WebhookDraft } from './webhook-draft';
import { WebhookValidator } from './webhook.validator';

/** Fields that may be sent as null to clear them; any other null is a 400. */
const NULLABLE = new Set(['dataTrigger', 'bodyTemplate', 'oauth2', 'basicAuth']);

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
  ) {}

  async list(organizationId: number, q: ListWebhooksQueryDto): Promise<Page<WebhookDto>> {
    const where: Prisma.WebhookWhereInput = { organizationId, status: q.status, triggerType: q.triggerType };
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
    const draft: WebhookDraft = {
      name: dto.name,
      triggerType: dto.triggerType,
      dataTrigger: dto.dataTrigger ?? null,
      url: dto.url,
      method: dto.method ?? 'POST',
      contentType: dto.contentType ?? 'JSON',
      authType: dto.authType ?? 'NONE',
      oauth2: dto.oauth2 ? { tokenUrl: dto.oauth2.tokenUrl, clientId: dto.oauth2.clientId, scope: dto.oauth2.scope ?? null, audience: dto.oauth2.audience ?? null, hasSecret: !!dto.oauth2.clientSecret } : null,
      basicAuth: dto.basicAuth ? { username: dto.basicAuth.username, hasPassword: !!dto.basicAuth.password } : null,
      headers: (dto.headers ?? []).map((h) => ({ name: h.name, value: h.value })),
      bodyTemplate: dto.bodyTemplate ?? null,
      failureNotifyUserIds: dto.failureNotifyUserIds ?? [],
      failureLimit: dto.failureLimit ?? 10,
    };
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

  async update(organizationId: number, id: number, dto: UpdateWebhookDto): Promise<WebhookDto> {
    rejectNulls(dto);
    const current = await this.find(organizationId, id);
    const authType = dto.authType ?? current.authType;
    // Switching auth type away drops the old credentials unless new ones are sent.
    const keepOauth = authType === 'OAUTH2' && dto.oauth2 === undefined && current.authType === 'OAUTH2';
    const keepBasic = authType === 'BASIC' && dto.basicAuth === undefined && current.authType === 'BASIC';
    const draft: WebhookDraft = {
      name: dto.name ?? current.name,
      triggerType: dto.triggerType ?? current.triggerType,
      dataTrigger: dto.dataTrigger !== undefined ? dto.dataTrigger : ((current.dataTrigger as Record<string, unknown> | null) ?? null),
      url: dto.url ?? current.url,
      method: dto.method ?? current.method,
      contentType: dto.contentType ?? current.contentType,
      authType,
      oauth2: keepOauth
        ? { tokenUrl: current.oauth2TokenUrl!, clientId: current.oauth2ClientId!, scope: current.oauth2Scope, audience: current.oauth2Audience, hasSecret: !!current.oauth2ClientSecretEnc }
        : dto.oauth2
          ? {
              tokenUrl: dto.oauth2.tokenUrl,
              clientId: dto.oauth2.clientId,
              scope: dto.oauth2.scope ?? null,
              audience: dto.oauth2.audience ?? null,
              // An omitted secret keeps the stored one (write-only fields are not echoed back to clients).
              hasSecret: !!dto.oauth2.clientSecret || (current.authType === 'OAUTH2' && !!current.oauth2ClientSecretEnc),
            }
          : null,
      basicAuth: keepBasic
        ? { username: current.basicUsername!, hasPassword: !!current.basicPasswordEnc }
        : dto.basicAuth
          ? { username: dto.basicAuth.username, hasPassword: !!dto.basicAuth.password || (current.authType === 'BASIC' && !!current.basicPasswordEnc) }
          : null,
      headers: dto.headers ? dto.headers.map((h) => ({ name: h.name, value: h.value })) : ((current.headers as WebhookDraft['headers']) ?? []),
      bodyTemplate: dto.bodyTemplate !== undefined ? dto.bodyTemplate : current.bodyTemplate,
      failureNotifyUserIds: dto.failureNotifyUserIds ?? current.failureNotifyUserIds,
      failureLimit: dto.failureLimit ?? current.failureLimit,
    };
    await this.assertValid(organizationId, draft);

    const data: Prisma.WebhookUpdateManyMutationInput = this.columns(draft, dto, current);
    if (dto.status === 'ENABLED') {
      // Re-enabling resets the failure count (SPEC §3).
      data.status = 'ENABLED';
      data.consecutiveFailures = 0;
    } else if (dto.status === 'DISABLED') {
      data.status = 'DISABLED';
    }
    const { count } = await this.prisma.webhook.updateMany({ where: { id, organizationId }, data });
    if (count === 0) throw new NotFound(WEBHOOK_NOT_FOUND);
    this.logger.log({ msg: 'webhook updated', organizationId, webhookId: id });
    return this.get(organizationId, id);
  }

  async delete(organizationId: number, id: number): Promise<void> {
    const { count } = await this.prisma.webhook.deleteMany({ where: { id, organizationId } });
    if (count === 0) throw new NotFound(WEBHOOK_NOT_FOUND);
    this.logger.log({ msg: 'webhook deleted', organizationId, webhookId: id });
  }

  private async find(organizationId: number, id: number): Promise<Webhook> {
    const row = await this.prisma.webhook.findFirst({ where: { id, organizationId } });
    if (!row) throw new NotFound(WEBHOOK_NOT_FOUND);
    return row;
  }

  private async assertValid(organizationId: number, draft: WebhookDraft) {
    const org = await this.prisma.organization.findUniqueOrThrow({ where: { id: organizationId }, select: { name: true } });
    const errors = await this.validator.validate(organizationId, draft, org.name);
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
