import { Injectable, Logger } from '@nestjs/common';
import { ConfigService } from '@hookline/config';
import { MetricsService } from '@hookline/common';
import { WebhookExecutor, retryDelay } from '@hookline/delivery';
import { DeliveryQueue } from '@hookline/queue';
import { AttemptRecorder } from './attempt-recorder';
import { ClaimBatcher } from './claim.batcher';
import { WebhookDefinitions } from './webhook-definitions';

export type RunResult = 'skipped' | 'cancelled' | 'succeeded' | 'failed' | 'retrying' | 'duplicate';

/** The Standard Webhooks `webhook-id` of a delivery: the same for every attempt of it. */
export const messageId = (deliveryId: bigint | string) => `msg_${deliveryId}`;

/**
 * One attempt of one delivery: claim it, send it, record it, schedule what
 * follows. Idempotent: a job that runs twice, or late, changes nothing. Claims
 * and records are batched across the attempts running at the same moment.
 */
@Injectable()
export class DeliveryService {
  private readonly logger = new Logger(DeliveryService.name);
  private readonly schedule: number[];

  constructor(
    private readonly claims: ClaimBatcher,
    private readonly definitions: WebhookDefinitions,
    private readonly executor: WebhookExecutor,
    private readonly recorder: AttemptRecorder,
    private readonly queue: DeliveryQueue,
    private readonly metrics: MetricsService,
    config: ConfigService,
  ) {
    this.schedule = config.get('retryScheduleMs');
  }

  async run(deliveryId: bigint, attempt: number): Promise<RunResult> {
    const claim = await this.claims.claim({ deliveryId, attempt });
    if (claim.kind === 'skipped') return 'skipped';
    if (claim.kind === 'cancelled') {
      this.metrics.deliveries.inc({ outcome: 'cancelled' });
      return 'cancelled';
    }

    const webhook = this.definitions.get(claim.webhookId);
    const result = await this.executor.execute(webhook, claim.payload, messageId(deliveryId));
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
      this.logger.warn({ msg: 'webhook disabled', webhookId: webhook.id, organizationId: claim.organizationId, cancelledDeliveries: outcome.cancelledDeliveries });
    }
    const label = outcome.status === 'SUCCEEDED' ? 'succeeded' : outcome.status === 'PENDING' ? 'retrying' : 'failed';
    this.metrics.deliveries.inc({ outcome: label });
    return label;
  }
}
