import { Injectable, Logger } from '@nestjs/common';
import { ConfigService } from '@hookline/config';
import { DeliveryMetrics } from '../metrics/delivery-metrics';
import { AttemptResult, ExecutableWebhook, retryDelay } from '@hookline/delivery';
import { DeliveryQueue } from '@hookline/queue';
import { AttemptRecorder } from './attempt-recorder';
import type { Claim } from './claim.batcher';
import type { RunResult } from './job-run';

/** A claimed attempt that was sent, with what recording it needs. */
export interface Sent {
  deliveryId: bigint;
  attempt: number;
  claim: Extract<Claim, { kind: 'claimed' }>;
  webhook: ExecutableWebhook;
  result: AttemptResult;
  /** The lease as stored after its last renewal: the record presents it. */
  lease: Date;
}

/**
 * What follows a sent attempt: its record, then its next attempt and the
 * emails. Runs after the attempt's job has finished in the queue, so a job's
 * place in the worker is free as soon as its requests are; the worker waits
 * for every settle under way before it closes its connections (`idle`). A
 * settle that fails (PostgreSQL gone) leaves the attempt claimed: its lease
 * lapses and the sweeper gives it a job of its own (SPEC §7, at least once).
 */
@Injectable()
export class AttemptSettler {
  private readonly logger = new Logger(AttemptSettler.name);
  private readonly schedule: number[];
  private readonly pending = new Set<Promise<unknown>>();

  constructor(
    private readonly recorder: AttemptRecorder,
    private readonly queue: DeliveryQueue,
    private readonly metrics: DeliveryMetrics,
    config: ConfigService,
  ) {
    this.schedule = config.get('retryScheduleMs');
  }

  /** Records a sent attempt; after the commit, its next attempt and the emails (lost enqueues are the sweeper's). */
  settle(sent: Sent): Promise<RunResult> {
    const done = this.run(sent);
    const tracked = done.catch(() => undefined).finally(() => this.pending.delete(tracked));
    this.pending.add(tracked);
    return done;
  }

  /** Resolves once no settle is under way. */
  async idle(): Promise<void> {
    while (this.pending.size) await Promise.all([...this.pending]);
  }

  private async run({ deliveryId, attempt, claim, webhook, result, lease }: Sent): Promise<RunResult> {
    const delay = result.outcome.ok || !result.outcome.retryable ? null : retryDelay(this.schedule, attempt, result.retryAfterMs);
    const outcome = await this.recorder.record({ deliveryId, webhookId: webhook.id, attempt, lease, result, retryDelayMs: delay });
    this.metrics.attemptDuration.observe({ result: result.outcome.ok ? 'success' : 'failure' }, result.durationMs / 1000);
    if (!outcome.recorded) return 'duplicate';
    if (outcome.status === 'PENDING') {
      await this.queue.enqueueAttempts([{ deliveryId, attempt: attempt + 1, delayMs: delay!, organizationId: claim.organizationId }]).catch((err) => this.logger.warn(`enqueue of retry failed (sweeper will recover): ${err.message}`));
    }
    if (outcome.notificationIds.length) {
      await this.queue.enqueueEmails(outcome.notificationIds).catch((err) => this.logger.warn(`enqueue of emails failed (sweeper will recover): ${err.message}`));
    }
    if (outcome.disabledWebhook) {
      this.logger.warn({ msg: 'webhook disabled', webhookId: webhook.id, organizationId: claim.organizationId, cancelledDeliveries: outcome.cancelledDeliveries });
    }
    return outcome.status === 'SUCCEEDED' ? 'succeeded' : outcome.status === 'PENDING' ? 'retrying' : 'failed';
  }
}
