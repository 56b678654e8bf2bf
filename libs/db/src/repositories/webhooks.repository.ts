import { Injectable } from '@nestjs/common';
import { Prisma, Webhook, WebhookStatus } from '../../../../generated/prisma/client';
import { PrismaService } from '../prisma.service';
import { SqlPool } from '../sql-pool';

/** What a webhook definition stores, secrets already encrypted. */
export type WebhookColumns = Pick<
  Prisma.WebhookUncheckedCreateInput,
  | 'name' | 'triggerType' | 'url' | 'method' | 'contentType' | 'authType' | 'oauth2TokenUrl' | 'oauth2ClientId' | 'oauth2ClientSecretEnc'
  | 'oauth2Scope' | 'oauth2Audience' | 'basicUsername' | 'basicPasswordEnc' | 'bodyTemplate' | 'failureNotifyUserIds' | 'failureLimit' | 'maxConcurrency' | 'rateLimitPerMinute'
> & { dataTrigger: Record<string, unknown> | null; headers: { name: string; value: string }[] };

/** The columns a request is made from (toExecutableWebhook), secrets still encrypted. */
export type SendableWebhook = Pick<
  Webhook,
  | 'id' | 'name' | 'url' | 'method' | 'contentType' | 'headers' | 'bodyTemplate' | 'maxConcurrency' | 'rateLimitPerMinute' | 'authType'
  | 'basicUsername' | 'basicPasswordEnc' | 'oauth2TokenUrl' | 'oauth2ClientId' | 'oauth2ClientSecretEnc' | 'oauth2Scope' | 'oauth2Audience'
  | 'signingSecretEnc' | 'previousSigningSecretEnc' | 'previousSecretExpiresAt'
>;

/** What an update may set: definition columns and the status with what goes with it. */
export type WebhookUpdate = Partial<WebhookColumns> & Partial<Pick<Webhook, 'status' | 'consecutiveFailures' | 'disabledAt' | 'circuitFailures' | 'circuitTrips' | 'circuitOpenUntil' | 'circuitProbeAt'>>;

const json = (v: Record<string, unknown> | null) => (v === null ? Prisma.DbNull : (v as Prisma.InputJsonValue));
const comparable = (v: unknown) => JSON.stringify(v === Prisma.DbNull ? null : v);

/** Webhook definitions (SPEC §3). Every tenant-facing method is scoped by organizationId; deleted ones are invisible. */
@Injectable()
export class WebhooksRepository {
  constructor(
    private readonly prisma: PrismaService,
    private readonly sql: SqlPool,
  ) {}

  async list(organizationId: number, filter: { status?: WebhookStatus; triggerType?: string }, page: number, size: number) {
    const where: Prisma.WebhookWhereInput = { organizationId, deletedAt: null, ...filter };
    const [rows, total] = await Promise.all([
      this.prisma.webhook.findMany({ where, orderBy: { id: 'asc' }, skip: page * size, take: size }),
      this.prisma.webhook.count({ where }),
    ]);
    return { rows, total };
  }

  find(organizationId: number, id: number): Promise<Webhook | null> {
    return this.prisma.webhook.findFirst({ where: { id, organizationId, deletedAt: null } });
  }

  create(organizationId: number, columns: WebhookColumns, status: WebhookStatus, signingSecretEnc: string): Promise<Webhook> {
    const { dataTrigger, headers, ...rest } = columns;
    return this.prisma.webhook.create({ data: { organizationId, ...rest, dataTrigger: json(dataTrigger), headers, status, signingSecretEnc } });
  }

  /**
   * Applies `decide(current)` to a webhook with its row locked from the read to
   * the write, and writes only the columns whose value changes: a concurrent
   * update, a user deletion editing failureNotifyUserIds or the worker
   * disabling it waits, then applies to this result instead of being
   * overwritten by a stale copy. NO KEY UPDATE, so ingestion's foreign-key
   * checks are not blocked. False when there is no such webhook.
   */
  async update(organizationId: number, id: number, decide: (current: Webhook) => Promise<WebhookUpdate>): Promise<boolean> {
    return this.prisma.$transaction(async (tx) => {
      const locked = await tx.$queryRaw<unknown[]>`
        SELECT id FROM webhook WHERE id = ${id} AND organization_id = ${organizationId} AND deleted_at IS NULL FOR NO KEY UPDATE`;
      if (!locked.length) return false;
      const current = await tx.webhook.findUniqueOrThrow({ where: { id } });
      const { dataTrigger, ...next } = await decide(current);
      const data: Record<string, unknown> = { ...next, ...(dataTrigger !== undefined ? { dataTrigger: json(dataTrigger) } : {}) };
      const stored = current as unknown as Record<string, unknown>;
      const changed = Object.fromEntries(Object.entries(data).filter(([k, v]) => comparable(v) !== comparable(stored[k])));
      if (Object.keys(changed).length) await tx.webhook.update({ where: { id }, data: changed });
      return true;
    });
  }

  /** Soft delete: the definition disappears at once; its rows go with retention. False when there is no such webhook. */
  async softDelete(organizationId: number, id: number): Promise<boolean> {
    const { count } = await this.prisma.webhook.updateMany({ where: { id, organizationId, deletedAt: null }, data: { deletedAt: new Date() } });
    return count === 1;
  }

  /** Replaces the signing secret if it is still `expected` (no concurrent rotation); the old one keeps signing until `previousExpiresAt`. */
  async rotateSecret(organizationId: number, id: number, expected: string, next: string, previousExpiresAt: Date): Promise<boolean> {
    const { count } = await this.prisma.webhook.updateMany({
      where: { id, organizationId, deletedAt: null, signingSecretEnc: expected },
      data: { signingSecretEnc: next, previousSigningSecretEnc: expected, previousSecretExpiresAt: previousExpiresAt },
    });
    return count === 1;
  }

  /** A deleted user stops being a failure receiver of every webhook of its organization (in the deleting transaction). */
  async removeReceiver(tx: Prisma.TransactionClient, organizationId: number, userId: number): Promise<void> {
    await tx.$executeRaw`
      UPDATE webhook SET failure_notify_user_ids = array_remove(failure_notify_user_ids, ${userId}), updated_at = now()
      WHERE organization_id = ${organizationId} AND ${userId} = ANY(failure_notify_user_ids)`;
  }

  /** The organization's ENABLED webhooks of these trigger types: what its events can match. */
  async candidates(organizationId: number, triggerTypes: string[]) {
    const { rows } = await this.sql.query<{ id: number; trigger_type: string; data_trigger: { datastreamId?: number; eventCode?: string; deviceId?: string } | null }>(
      `SELECT id, trigger_type, data_trigger FROM webhook
       WHERE organization_id = $1 AND trigger_type = ANY($2::text[]) AND status = 'ENABLED' AND deleted_at IS NULL`,
      [organizationId, triggerTypes],
    );
    return rows.map((r) => ({ id: r.id, triggerType: r.trigger_type, dataTrigger: r.data_trigger }));
  }

  /** Webhooks by id with their organization's name, for sending (deleted ones included: the claim decides). */
  /**
   * What a worker sends with, for the webhooks it has not cached yet: one statement on node-postgres, like the rest
   * of the hot path (in a fan-out to 10 000 new webhooks, loading them through Prisma's client was 9 % of the
   * worker's busy time).
   */
  async forSending(ids: number[]): Promise<(SendableWebhook & { updatedAt: Date; organization: { id: number; name: string } })[]> {
    const { rows } = await this.sql.query<SendableWebhook & { updatedAt: Date; orgId: number; orgName: string }>(
      `SELECT w.id, w.name, w.url, w.method, w.content_type AS "contentType", w.headers, w.body_template AS "bodyTemplate",
              w.max_concurrency AS "maxConcurrency", w.rate_limit_per_minute AS "rateLimitPerMinute", w.auth_type AS "authType",
              w.basic_username AS "basicUsername", w.basic_password_enc AS "basicPasswordEnc",
              w.oauth2_token_url AS "oauth2TokenUrl", w.oauth2_client_id AS "oauth2ClientId",
              w.oauth2_client_secret_enc AS "oauth2ClientSecretEnc", w.oauth2_scope AS "oauth2Scope", w.oauth2_audience AS "oauth2Audience",
              w.signing_secret_enc AS "signingSecretEnc", w.previous_signing_secret_enc AS "previousSigningSecretEnc",
              w.previous_secret_expires_at AS "previousSecretExpiresAt", w.updated_at AS "updatedAt", o.id AS "orgId", o.name AS "orgName"
       FROM webhook w JOIN organization o ON o.id = w.organization_id WHERE w.id = ANY($1::int[])`,
      [ids],
    );
    return rows.map(({ orgId, orgName, ...w }) => ({ ...w, organization: { id: orgId, name: orgName } }));
  }

  /** Deleted webhooks past retention, unless work is still pending for them. */
  pruneDeleted(cutoff: Date): Promise<number> {
    return this.prisma.$executeRaw`
      DELETE FROM webhook w WHERE w.deleted_at < ${cutoff}
        AND NOT EXISTS (SELECT 1 FROM delivery d WHERE d.webhook_id = w.id AND d.status = 'PENDING')`;
  }
}
