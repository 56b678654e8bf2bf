import { Injectable, Logger } from '@nestjs/common';
import { ConfigService } from '@hookline/config';
import { MetricsService } from '@hookline/common';
import { AttemptResult, ExecutableWebhook, WebhookExecutor, retryDelay } from '@hookline/delivery';
import { DeliveryQueue } from '@hookline/queue';
import { AttemptRecorder } from './attempt-recorder';
import { Claim, ClaimBatcher } from './claim.batcher';
import { WebhookDefinitions } from './webhook-definitions';

export type RunResult = 'skipped' | 'cancelled' | 'succeeded' | 'failed' | 'retrying' | 'duplicate';

export class ShuttingDownError extends Error {
  constructor() {
    super('worker shutting down; attempt left for another worker');
    this.name = 'ShuttingDownError';
  }
}

/** A counting semaphore: at most `size` holders at once, the rest wait in order. */
export class Semaphore {
  private waiting: (() => void)[] = [];
  private held = 0;
  constructor(private readonly size: number) {}
  acquire(): Promise<void> {
    if (this.held < this.size) {
      this.held++;
      return Promise.resolve();
    }
    return new Promise((resolve) => this.waiting.push(resolve));
  }
  release(): void {
    const next = this.waiting.shift();
    if (next) next();
    else this.held--;
  }
}

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
  /** Attempts in flight in this process, whatever mix of single and batch jobs carries them. */
  private readonly permits: Semaphore;

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
    this.permits = new Semaphore(config.get('workerConcurrency'));
  }


  private stopping = false;

  /** From now on no new attempt starts here; those in flight finish and are recorded. */
  beginShutdown(): void {
    this.stopping = true;
  }

  async run(deliveryId: bigint, attempt: number): Promise<RunResult> {
    // A permit covers the claim and the request: HOOKLINE_WORKER_CONCURRENCY bounds
    // the requests in flight. Recording happens after the permit is returned, so
    // the next request need not wait for this one's commit.
    await this.permits.acquire();
    if (this.stopping) {
      this.permits.release();
      // Not started, so nothing to undo: the job fails and is retried by another worker.
      throw new ShuttingDownError();
    }
    let claimed: Extract<Claim, { kind: 'claimed' }>;
    let webhook: ExecutableWebhook;
    let result: AttemptResult;
    try {
      const claim = await this.claims.claim({ deliveryId, attempt });
      if (claim.kind === 'skipped') return 'skipped';
      if (claim.kind === 'cancelled') {
        this.metrics.deliveries.inc({ outcome: 'cancelled' });
        return 'cancelled';
      }
      claimed = claim;
      webhook = this.definitions.get(claim.webhookId);
      result = await this.executor.execute(webhook, claim.payload, messageId(deliveryId));
    } finally {
      this.permits.release();
    }
    const claim = claimed;
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
