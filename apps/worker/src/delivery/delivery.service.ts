import { Injectable, Logger } from '@nestjs/common';
import { ConfigService } from '@hookline/config';
import { MetricsService } from '@hookline/common';
import { AttemptResult, ExecutableWebhook, WebhookExecutor, retryDelay } from '@hookline/delivery';
import { DeliveryQueue } from '@hookline/queue';
import { AttemptRecorder } from './attempt-recorder';
import { Claim, ClaimBatcher } from './claim.batcher';
import { LeaseKeeper } from './lease-keeper';
import { Semaphore } from './semaphore';
import { WebhookDefinitions } from './webhook-definitions';

export type RunResult = 'skipped' | 'cancelled' | 'succeeded' | 'failed' | 'retrying' | 'duplicate';

/** The outcomes hookline_deliveries_total counts. */
const COUNTED = new Set<RunResult>(['succeeded', 'failed', 'retrying', 'cancelled']);

export class ShuttingDownError extends Error {
  constructor() {
    super('worker shutting down; attempt left for another worker');
    this.name = 'ShuttingDownError';
  }
}

/** The Standard Webhooks `webhook-id` of a delivery: the same for every attempt of it. */
export const messageId = (deliveryId: bigint | string) => `msg_${deliveryId}`;

/**
 * Attempts of deliveries: claim, send, record, schedule what follows.
 * Idempotent: a job that runs twice, or late, changes nothing. Claims and
 * records are batched across the attempts running at the same moment.
 */
@Injectable()
export class DeliveryService {
  private readonly logger = new Logger(DeliveryService.name);
  private readonly schedule: number[];
  /** Requests in flight in this process (HOOKLINE_WORKER_CONCURRENCY), whatever mix of single and batch jobs carries them. */
  private readonly requests: Semaphore;
  /**
   * Attempts claimed and not yet sent, plus those sending: twice the request
   * permits, so the next attempts are claimed while the current ones are on the
   * wire and a freed permit goes straight to a claimed attempt. A claimed
   * attempt waits at most for one request per permit ahead of it.
   */
  private readonly slots: Semaphore;
  private readonly concurrency: number;

  constructor(
    private readonly claims: ClaimBatcher,
    private readonly leases: LeaseKeeper,
    private readonly definitions: WebhookDefinitions,
    private readonly executor: WebhookExecutor,
    private readonly recorder: AttemptRecorder,
    private readonly queue: DeliveryQueue,
    private readonly metrics: MetricsService,
    config: ConfigService,
  ) {
    this.schedule = config.get('retryScheduleMs');
    this.concurrency = config.get('workerConcurrency');
    this.requests = new Semaphore(this.concurrency);
    this.slots = new Semaphore(2 * this.concurrency);
  }

  private stopping = false;

  /** From now on no new attempt is claimed here; those claimed are sent and recorded. */
  beginShutdown(): void {
    this.stopping = true;
  }

  /**
   * Runs attempt `attempt` of each delivery of a job. The job's attempts take
   * their slots together (in parts of at most HOOKLINE_WORKER_CONCURRENCY), so
   * their claims go out in one statement; each settles on its own.
   */
  async runJob(deliveryIds: bigint[], attempt: number): Promise<PromiseSettledResult<RunResult>[]> {
    const parts: bigint[][] = [];
    for (let i = 0; i < deliveryIds.length; i += this.concurrency) parts.push(deliveryIds.slice(i, i + this.concurrency));
    const settled = await Promise.all(
      parts.map(async (ids) => {
        await this.slots.acquire(ids.length);
        return Promise.allSettled(ids.map((id) => this.run(id, attempt)));
      }),
    ).then((groups) => groups.flat());
    // Outcome counters per job rather than per attempt.
    const outcomes = new Map<RunResult, number>();
    for (const r of settled) if (r.status === 'fulfilled') outcomes.set(r.value, (outcomes.get(r.value) ?? 0) + 1);
    for (const [outcome, n] of outcomes) if (COUNTED.has(outcome)) this.metrics.deliveries.inc({ outcome }, n);
    return settled;
  }

  /**
   * One attempt, its slot already taken. The slot covers claim and request; the
   * record comes after, so the next request need not wait for this one's
   * commit. The lease is kept alive until the record takes its final value.
   */
  private async run(deliveryId: bigint, attempt: number): Promise<RunResult> {
    let claimed: Extract<Claim, { kind: 'claimed' }>;
    let webhook: ExecutableWebhook;
    let result: AttemptResult;
    let lease: Date;
    try {
      // Not claimed, so nothing to undo: the job fails and is retried by another worker.
      if (this.stopping) throw new ShuttingDownError();
      const claim = await this.claims.claim({ deliveryId, attempt });
      if (claim.kind === 'skipped') return 'skipped';
      if (claim.kind === 'cancelled') return 'cancelled';
      claimed = claim;
      try {
        webhook = this.definitions.get(claim.webhookId);
        result = await this.send(claim, webhook, deliveryId);
      } finally {
        lease = await this.leases.release(claim.lease);
      }
    } finally {
      this.slots.release();
    }
    const claim = claimed;
    const delay = result.outcome.ok || !result.outcome.retryable ? null : retryDelay(this.schedule, attempt, result.retryAfterMs);
    const outcome = await this.recorder.record({ deliveryId, webhookId: webhook.id, attempt, lease, result, retryDelayMs: delay });
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
    return outcome.status === 'SUCCEEDED' ? 'succeeded' : outcome.status === 'PENDING' ? 'retrying' : 'failed';
  }

  /** Sends a claimed attempt under a request permit. */
  private async send(claim: Extract<Claim, { kind: 'claimed' }>, webhook: ExecutableWebhook, deliveryId: bigint): Promise<AttemptResult> {
    await this.requests.acquire();
    try {
      return await this.executor.execute(webhook, claim.payload, messageId(deliveryId));
    } finally {
      this.requests.release();
    }
  }
}
