import { Injectable, Logger } from '@nestjs/common';
import { ConfigService } from '@hookline/config';
import { MetricsService } from '@hookline/common';
import { AttemptResult, ExecutableWebhook, WebhookExecutor, retryDelay } from '@hookline/delivery';
import { DeliveryQueue } from '@hookline/queue';
import { AttemptRecorder } from './attempt-recorder';
import { Claim, ClaimBatcher, Hold } from './claim.batcher';
import { DeliveryGate } from './delivery-gate';
import { HandedBack, JobRun, RunResult, ShuttingDownError, messageId } from './job-run';
import { LeaseKeeper } from './lease-keeper';
import { Semaphore } from './semaphore';
import { WebhookDefinitions } from './webhook-definitions';
import { WebhookPermits } from './webhook-permits';

const PERMIT_PATIENCE_MS = 100;

/** A claimed attempt that was sent, with what recording it needs. */
interface Sent {
  deliveryId: bigint;
  attempt: number;
  claim: Extract<Claim, { kind: 'claimed' }>;
  webhook: ExecutableWebhook;
  result: AttemptResult;
  lease: Date;
}

/** The outcomes hookline_deliveries_total counts. */
const COUNTED = new Set<RunResult>(['succeeded', 'failed', 'retrying', 'cancelled']);

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
  /** Requests in flight per webhook (HOOKLINE_WEBHOOK_MAX_CONCURRENCY): one slow endpoint cannot take every permit. */
  private readonly permits: WebhookPermits;
  /**
   * An attempt its stuck webhook's cap turned away waits in the queue for half
   * to all of a request's time (no request of that webhook ends sooner unless
   * it answers): the turned-away attempts come back spread out, not as a herd.
   */
  private readonly capHoldMs: number;

  constructor(
    private readonly claims: ClaimBatcher,
    private readonly leases: LeaseKeeper,
    private readonly definitions: WebhookDefinitions,
    private readonly gate: DeliveryGate,
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
    // A webhook over its cap waits this long for one of its requests to end (a fast endpoint's do), then hands the attempt back.
    this.permits = new WebhookPermits(config.get('webhookMaxConcurrency'), PERMIT_PATIENCE_MS);
    this.capHoldMs = Math.max(500, config.get('requestTimeoutMs'));
  }

  private stopping = false;

  /** Attempts of jobs started here that wait for their slots. */
  waiting(): number {
    return this.slots.waitingUnits;
  }

  /** From now on no new attempt is claimed here; those claimed are sent and recorded. */
  beginShutdown(): void {
    this.stopping = true;
  }

  /**
   * Runs attempt `attempt` of each delivery of a job. The job's attempts take
   * their slots together (in parts of at most HOOKLINE_WORKER_CONCURRENCY), so
   * their claims go out in one statement; each settles on its own. `rank`: the
   * job's place in the fair order, which is also its place in the wait for slots;
   * `started`, called when its first part has them.
   */
  async runJob(deliveryIds: bigint[], attempt: number, rank = 0, started: () => void = () => undefined): Promise<JobRun> {
    const handedBack = new Map<bigint, HandedBack>();
    const parts: bigint[][] = [];
    for (let i = 0; i < deliveryIds.length; i += this.concurrency) parts.push(deliveryIds.slice(i, i + this.concurrency));
    const settled = await Promise.all(
      parts.map(async (ids) => {
        await this.slots.acquire(ids.length, rank);
        if (ids === parts[0]) started();
        return Promise.allSettled(ids.map((id) => this.run(id, attempt, handedBack)));
      }),
    ).then((groups) => groups.flat());
    // Outcome counters per job rather than per attempt.
    const outcomes = new Map<RunResult, number>();
    for (const r of settled) if (r.status === 'fulfilled') outcomes.set(r.value, (outcomes.get(r.value) ?? 0) + 1);
    for (const [outcome, n] of outcomes) if (COUNTED.has(outcome)) this.metrics.deliveries.inc({ outcome }, n);
    return { settled, handedBack };
  }

  /** One attempt, its slot already taken: claim and send, then record and schedule what follows. */
  private async run(deliveryId: bigint, attempt: number, handedBack: Map<bigint, HandedBack>): Promise<RunResult> {
    const sent = await this.claimAndSend(deliveryId, attempt);
    if (typeof sent === 'string') return sent;
    if ('handedBack' in sent) {
      handedBack.set(deliveryId, sent.handedBack);
      return 'deferred';
    }
    return this.settle(sent);
  }

  /**
   * The slot covers claim and request; the record comes after, so the next
   * request need not wait for this one's commit. The lease is kept alive until
   * the record takes its final value. An attempt its webhook's circuit or
   * rate limit holds back, or its cap of requests in flight turns away, goes
   * back to the queue unsent and uncounted.
   */
  private async claimAndSend(deliveryId: bigint, attempt: number): Promise<Sent | 'skipped' | 'cancelled' | { handedBack: HandedBack }> {
    try {
      // Not claimed, so nothing to undo: the job fails and is retried by another worker.
      if (this.stopping) throw new ShuttingDownError();
      const claim = await this.claims.claim({ deliveryId, attempt });
      if (claim.kind !== 'claimed') return claim.kind;
      const webhook = this.definitions.get(claim.webhookId);
      const hold = await this.gate.admit(claim, webhook.rateLimitPerMinute);
      if (hold) return await this.holdBack(claim, hold);
      if (!(await this.permits.acquire(webhook.id, webhook.maxConcurrency))) {
        return await this.holdBack(claim, { reason: 'CONCURRENCY_LIMIT', until: new Date(Date.now() + this.capHoldMs * (0.5 + Math.random() / 2)) });
      }
      let result: AttemptResult;
      let lease: Date;
      try {
        result = await this.send(claim, webhook, deliveryId);
      } finally {
        this.permits.release(webhook.id);
        lease = await this.leases.release(claim.lease);
      }
      return { deliveryId, attempt, claim, webhook, result, lease };
    } finally {
      this.slots.release();
    }
  }

  private async holdBack(claim: Extract<Claim, { kind: 'claimed' }>, hold: Hold): Promise<{ handedBack: HandedBack }> {
    await this.claims.giveBack(claim.lease, hold);
    this.metrics.heldBack.inc({ reason: hold.reason.toLowerCase() });
    return { handedBack: { organizationId: claim.organizationId, until: hold.until } };
  }

  /** Records a sent attempt; after the commit, its next attempt and the emails (lost enqueues are the sweeper's). */
  private async settle({ deliveryId, attempt, claim, webhook, result, lease }: Sent): Promise<RunResult> {
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
