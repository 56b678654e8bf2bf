import { Injectable, Logger } from '@nestjs/common';
import { ConfigService } from '@hookline/config';
import { MetricsService, SecretCipher } from '@hookline/common';
import { PrismaService } from '@hookline/db';
import { WebhookExecutor, retryDelay, toExecutableWebhook } from '@hookline/delivery';
import { DeliveryQueue } from '@hookline/queue';
import { AttemptRecorder } from './attempt-recorder';

export type RunResult = 'skipped' | 'cancelled' | 'succeeded' | 'failed' | 'retrying' | 'duplicate';

/** The Standard Webhooks `webhook-id` of a delivery: the same for every attempt of it. */
export const messageId = (deliveryId: bigint | string) => `msg_${deliveryId}`;

/**
 * One attempt of one delivery: claim it, send it, record it, schedule what
 * follows. Idempotent: a job that runs twice, or late, changes nothing.
 */
@Injectable()
export class DeliveryService {
  private readonly logger = new Logger(DeliveryService.name);
  private readonly schedule: number[];
  private readonly leaseSeconds: number;

  constructor(
    private readonly prisma: PrismaService,
    private readonly executor: WebhookExecutor,
    private readonly recorder: AttemptRecorder,
    private readonly queue: DeliveryQueue,
    private readonly cipher: SecretCipher,
    private readonly metrics: MetricsService,
    config: ConfigService,
  ) {
    this.schedule = config.get('retryScheduleMs');
    // Long enough for a token fetch, a 401 refresh and the resend.
    this.leaseSeconds = Math.ceil((config.get('requestTimeoutMs') * 3) / 1000) + 30;
  }

  async run(deliveryId: bigint, attempt: number): Promise<RunResult> {
    // The claim: one conditional UPDATE, so no two workers ever send the same attempt at once.
    const claimed = await this.prisma.$executeRaw`
      UPDATE delivery SET claim_expires_at = now() + make_interval(secs => ${this.leaseSeconds})
      WHERE id = ${deliveryId} AND status = 'PENDING' AND attempt_count = ${attempt - 1}
        AND (claim_expires_at IS NULL OR claim_expires_at < now())`;
    if (claimed !== 1) return 'skipped';

    const delivery = await this.prisma.delivery.findUniqueOrThrow({
      where: { id: deliveryId },
      include: { webhook: { include: { organization: { select: { id: true, name: true } } } }, event: { select: { payload: true } } },
    });
    const { webhook } = delivery;
    if (webhook.status !== 'ENABLED' || webhook.deletedAt) {
      await this.prisma.$executeRaw`
        UPDATE delivery SET status = 'CANCELLED', completed_at = now(), claim_expires_at = NULL WHERE id = ${deliveryId} AND status = 'PENDING'`;
      this.metrics.deliveries.inc({ outcome: 'cancelled' });
      return 'cancelled';
    }

    const executable = toExecutableWebhook(webhook, webhook.organization, this.cipher);
    const result = await this.executor.execute(executable, delivery.event.payload as Record<string, unknown>, messageId(deliveryId));
    const delay = result.outcome.ok || !result.outcome.retryable ? null : retryDelay(this.schedule, attempt, result.retryAfterMs);
    const outcome = await this.recorder.record({ deliveryId, webhookId: webhook.id, attempt, result, retryDelayMs: delay });
    this.metrics.attemptDuration.observe({ result: result.outcome.ok ? 'success' : 'failure' }, result.durationMs / 1000);
    if (!outcome.recorded) return 'duplicate';

    // After commit: the next attempt and the emails. Lost enqueues are the sweeper's.
    if (outcome.status === 'PENDING') {
      await this.queue.enqueueAttempts([{ deliveryId, attempt: attempt + 1, delayMs: delay! }]).catch((err) => this.logger.warn(`enqueue of retry failed (sweeper will recover): ${err.message}`));
    }
    if (outcome.notificationIds.length) {
      await this.queue.enqueueEmails(outcome.notificationIds).catch((err) => this.logger.warn(`enqueue of emails failed (sweeper will recover): ${err.message}`));
    }
    if (outcome.disabledWebhook) {
      this.logger.warn({ msg: 'webhook disabled', webhookId: webhook.id, organizationId: webhook.organizationId, cancelledDeliveries: outcome.cancelledDeliveries });
    }
    const label = outcome.status === 'SUCCEEDED' ? 'succeeded' : outcome.status === 'PENDING' ? 'retrying' : 'failed';
    this.metrics.deliveries.inc({ outcome: label });
    return label;
  }
}
