import { Injectable } from '@nestjs/common';
import { Prisma, PrismaService } from '@hookline/db';
import { AttemptResult } from '@hookline/delivery';

export interface RecordInput {
  deliveryId: bigint;
  webhookId: number;
  attempt: number;
  result: AttemptResult;
  /** Delay before the next attempt, or null when this attempt ends the delivery. */
  retryDelayMs: number | null;
}

export interface RecordOutcome {
  /** False when this attempt had already been recorded (a duplicate job): nothing changed. */
  recorded: boolean;
  status: 'SUCCEEDED' | 'FAILED' | 'PENDING';
  /** This attempt's transaction is the one that disabled the webhook. */
  disabledWebhook: boolean;
  notificationIds: bigint[];
  cancelledDeliveries: number;
}

/**
 * Records one attempt and moves every counter in one transaction (SPEC §5.4):
 * the attempt row (unique per delivery and number), the delivery's state, and
 * the webhook's counters in single UPDATEs. The webhook row lock taken by the
 * counter UPDATE serialises concurrent attempts of one webhook, so the
 * conditional ENABLED → DISABLED_DUE_TO_ERRORS UPDATE succeeds exactly once.
 */
@Injectable()
export class AttemptRecorder {
  constructor(private readonly prisma: PrismaService) {}

  async record(input: RecordInput): Promise<RecordOutcome> {
    const { deliveryId, webhookId, attempt, result } = input;
    return this.prisma.$transaction(async (tx) => {
      const inserted = await tx.$queryRaw<{ id: bigint }[]>`
        INSERT INTO attempt (delivery_id, number, started_at, request_method, request_url, response_status, duration_ms, response_body, error)
        VALUES (${deliveryId}, ${attempt}, ${result.startedAt}, ${result.requestMethod}, ${result.requestUrl.slice(0, 4096)},
                ${result.responseStatus}, ${result.durationMs}, ${result.responseBody}, ${result.error})
        ON CONFLICT (delivery_id, number) DO NOTHING
        RETURNING id`;
      if (!inserted.length) return { recorded: false, status: 'PENDING', disabledWebhook: false, notificationIds: [], cancelledDeliveries: 0 };

      const counters = await tx.$queryRaw<{ consecutive_failures: number; failure_limit: number; status: string }[]>`
        UPDATE webhook
        SET total_attempts = total_attempts + 1,
            last_triggered_at = ${result.startedAt},
            consecutive_failures = CASE WHEN ${result.outcome.ok} THEN 0 ELSE consecutive_failures + 1 END
        WHERE id = ${webhookId}
        RETURNING consecutive_failures, failure_limit, status::text AS status`;
      const c = counters[0];

      let disabledAt: Date | null = null;
      if (!result.outcome.ok && c && (result.outcome.gone || c.consecutive_failures >= c.failure_limit)) {
        const flipped = await tx.$queryRaw<{ disabled_at: Date }[]>`
          UPDATE webhook SET status = 'DISABLED_DUE_TO_ERRORS', disabled_at = now(), updated_at = now()
          WHERE id = ${webhookId} AND status = 'ENABLED' AND deleted_at IS NULL
          RETURNING disabled_at`;
        disabledAt = flipped[0]?.disabled_at ?? null;
      }

      const willRetry = !result.outcome.ok && input.retryDelayMs !== null && disabledAt === null;
      const status = result.outcome.ok ? 'SUCCEEDED' : willRetry ? 'PENDING' : 'FAILED';
      const nextAt = willRetry ? new Date(Date.now() + input.retryDelayMs!) : null;
      const moved = await tx.$executeRaw`
        UPDATE delivery
        SET attempt_count = ${attempt},
            status = ${status}::"DeliveryStatus",
            next_attempt_at = COALESCE(${nextAt}::timestamptz, next_attempt_at),
            claim_expires_at = NULL,
            completed_at = CASE WHEN ${status} = 'PENDING' THEN NULL ELSE now() END
        WHERE id = ${deliveryId} AND attempt_count = ${attempt - 1}`;
      if (moved !== 1) throw new Error(`delivery ${deliveryId} moved on under attempt ${attempt}`);

      let notificationIds: bigint[] = [];
      let cancelledDeliveries = 0;
      if (disabledAt) {
        notificationIds = await this.notifyReceivers(tx, webhookId, disabledAt, result, c);
        cancelledDeliveries = await this.cancelPending(tx, webhookId);
      }
      return { recorded: true, status, disabledWebhook: disabledAt !== null, notificationIds, cancelledDeliveries };
    });
  }

  /** One notification per failure receiver per disable (unique index), in the disabling transaction. */
  private async notifyReceivers(
    tx: Prisma.TransactionClient,
    webhookId: number,
    disabledAt: Date,
    result: AttemptResult,
    c: { consecutive_failures: number; failure_limit: number },
  ): Promise<bigint[]> {
    const hook = await tx.webhook.findUniqueOrThrow({ where: { id: webhookId }, include: { organization: { select: { name: true } } } });
    const reason = result.outcome.gone
      ? 'the receiver answered 410 Gone'
      : `${c.consecutive_failures} consecutive failed attempts reached its failure limit of ${c.failure_limit}`;
    const last = result.responseStatus !== null ? `HTTP ${result.responseStatus}` : (result.error ?? 'unknown error');
    const subject = `Hookline: webhook "${hook.name}" was disabled`;
    const message =
      `Webhook ${hook.id} "${hook.name}" of organization "${hook.organization.name}" was disabled (DISABLED_DUE_TO_ERRORS): ${reason}.\n` +
      `Last attempt: ${result.requestMethod} ${result.requestUrl} → ${last}.\n` +
      `Fix the endpoint, then re-enable it with PUT /api/v1/organization/webhooks/${hook.id} {"status":"ENABLED"}; cancelled deliveries can be redelivered.`;
    if (!hook.failureNotifyUserIds.length) return [];
    const rows = await tx.$queryRaw<{ id: bigint }[]>`
      INSERT INTO notification (organization_id, user_id, webhook_id, email, subject, message, disabled_at)
      SELECT u.organization_id, u.id, ${webhookId}, u.email, ${subject}, ${message}, ${disabledAt}
      FROM app_user u
      WHERE u.organization_id = ${hook.organizationId} AND u.id = ANY(${hook.failureNotifyUserIds})
      ON CONFLICT (webhook_id, user_id, disabled_at) DO NOTHING
      RETURNING id`;
    return rows.map((r) => r.id);
  }

  /** Queued and scheduled deliveries of a disabled webhook end CANCELLED; in-flight ones finish. */
  private async cancelPending(tx: Prisma.TransactionClient, webhookId: number): Promise<number> {
    return tx.$executeRaw`
      UPDATE delivery SET status = 'CANCELLED', completed_at = now()
      WHERE webhook_id = ${webhookId} AND status = 'PENDING' AND (claim_expires_at IS NULL OR claim_expires_at < now())`;
  }
}
