import { Injectable } from '@nestjs/common';
import { ConfigService } from '@hookline/config';
import { DeliveryMetrics } from '../metrics/delivery-metrics';
import { AttemptResult, ExecutableWebhook, WebhookExecutor } from '@hookline/delivery';
import { DELIVERY_BATCH } from '@hookline/queue';
import { AttemptSettler, Sent } from './attempt-settler';
import { Claim, ClaimBatcher, Hold } from './claim.batcher';
import { DeliveryGate } from './delivery-gate';
import { HandedBack, JobRun, RunResult, ShuttingDownError, messageId } from './job-run';
import { LeaseKeeper } from './lease-keeper';
import { Semaphore } from './semaphore';
import { WebhookDefinitions } from './webhook-definitions';
import { WebhookPermits } from './webhook-permits';

const PERMIT_PATIENCE_MS = 100;

/** The outcomes hookline_deliveries_total counts. */
const COUNTED = new Set<RunResult>(['succeeded', 'failed', 'retrying', 'cancelled']);

/**
 * Attempts of deliveries: claim and send; their records and what follows are
 * the AttemptSettler's, behind the job.
 * Idempotent: a job that runs twice, or late, changes nothing. Claims and
 * records are batched across the attempts running at the same moment.
 */
@Injectable()
export class DeliveryService {
  /** Requests in flight in this process (HOOKLINE_WORKER_CONCURRENCY), whatever mix of single and batch jobs carries them. */
  private readonly requests: Semaphore;
  /**
   * Attempts claimed and not yet sent, plus those sending: twice the request
   * permits, so the next attempts are claimed while the current ones are on the
   * wire and a freed permit goes straight to a claimed attempt. A claimed
   * attempt waits at most for one request per permit ahead of it.
   */
  private readonly slots: Semaphore;
  /**
   * Attempts taken in and not yet recorded. A job leaves the queue once its
   * requests are done and its records follow (AttemptSettler): this bounds the
   * records a slow database lets pile up to what fetched jobs held before.
   */
  private readonly unrecorded: Semaphore;
  private readonly concurrency: number;
  /**
   * Requests in flight per webhook (HOOKLINE_WEBHOOK_MAX_CONCURRENCY): one slow endpoint cannot take every
   * permit; a fast one may, its permits coming back within PERMIT_PATIENCE_MS.
   */
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
    private readonly settler: AttemptSettler,
    private readonly metrics: DeliveryMetrics,
    config: ConfigService,
  ) {
    this.concurrency = config.get('workerConcurrency');
    this.requests = new Semaphore(this.concurrency);
    this.slots = new Semaphore(2 * this.concurrency);
    this.unrecorded = new Semaphore(DELIVERY_BATCH * this.concurrency);
    // A webhook over its cap waits this long for one of its requests to end (a fast endpoint's do), then hands the attempt back.
    this.permits = new WebhookPermits(config.get('webhookMaxConcurrency'), PERMIT_PATIENCE_MS, this.concurrency);
    this.capHoldMs = Math.max(500, config.get('requestTimeoutMs'));
  }

  private stopping = false;

  /** Attempts of jobs started here that wait for their places (slots, then the bound on unrecorded attempts). */
  waiting(): number {
    return this.unrecorded.waitingUnits + this.slots.waitingUnits;
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
   * `started`, called when its first part has them. Answers once every attempt
   * is past its request: the job's place in the queue's worker frees then, not
   * at its last commit, so a quiet organization's next job is fetched while a
   * burst's records are still being written.
   */
  async runJob(deliveryIds: bigint[], attempt: number, rank = 0, started: () => void = () => undefined): Promise<JobRun> {
    const handedBack = new Map<bigint, HandedBack>();
    const parts: bigint[][] = [];
    for (let i = 0; i < deliveryIds.length; i += this.concurrency) parts.push(deliveryIds.slice(i, i + this.concurrency));
    const ends: Promise<RunResult>[] = [];
    const sent = await Promise.all(
      parts.map(async (ids) => {
        // Slots first: a fetched job waiting for them holds nothing else, so the bound on unrecorded
        // attempts is taken by attempts really under way, not by a burst's jobs waiting in line (which,
        // 100 places × 50 attempts, filled it and kept a quiet organization's attempt waiting for records).
        await this.slots.acquire(ids.length, rank);
        await this.unrecorded.acquire(ids.length, rank);
        if (ids === parts[0]) started();
        return Promise.allSettled(ids.map((id) => this.run(id, attempt, handedBack, ends)));
      }),
    ).then((groups) => groups.flat());
    const failure = sent.find((r): r is PromiseRejectedResult => r.status === 'rejected')?.reason as Error | undefined;
    return { failure, handedBack, settled: Promise.allSettled(ends).then((settled) => this.count(settled)) };
  }

  /** Outcome counters per job rather than per attempt. */
  private count(settled: PromiseSettledResult<RunResult>[]): PromiseSettledResult<RunResult>[] {
    const outcomes = new Map<RunResult, number>();
    for (const r of settled) if (r.status === 'fulfilled') outcomes.set(r.value, (outcomes.get(r.value) ?? 0) + 1);
    for (const [outcome, n] of outcomes) if (COUNTED.has(outcome)) this.metrics.deliveries.inc({ outcome }, n);
    return settled;
  }

  /** One attempt, its slot already taken: claim and send; its end, the record of what was sent, goes into `ends`. */
  private async run(deliveryId: bigint, attempt: number, handedBack: Map<bigint, HandedBack>, ends: Promise<RunResult>[]): Promise<void> {
    const sent = this.claimAndSend(deliveryId, attempt);
    const end = sent.then((s) => {
      if (typeof s === 'string') return s;
      if ('handedBack' in s) {
        handedBack.set(deliveryId, s.handedBack);
        return 'deferred' as const;
      }
      return this.settler.settle(s);
    });
    ends.push(end);
    const release = () => this.unrecorded.release();
    end.then(release, release);
    await sent;
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
      const took = { ms: Infinity };
      try {
        result = await this.send(claim, webhook, deliveryId, took);
      } finally {
        this.permits.release(webhook.id, took.ms);
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

  /** Sends a claimed attempt under a request permit; `took`: how long the request took, once it has ended. */
  private async send(claim: Extract<Claim, { kind: 'claimed' }>, webhook: ExecutableWebhook, deliveryId: bigint, took: { ms: number }): Promise<AttemptResult> {
    await this.requests.acquire();
    const start = Date.now();
    try {
      return await this.executor.execute(webhook, claim.payload, messageId(deliveryId));
    } finally {
      took.ms = Date.now() - start;
      this.requests.release();
    }
  }
}
