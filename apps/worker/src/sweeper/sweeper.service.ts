import { Injectable, Logger } from '@nestjs/common';
import type { Job } from 'bullmq';
import { ConfigService } from '@hookline/config';
import { PrismaService, SqlPool } from '@hookline/db';
import { DeliveryQueue, deliveryBatchJobId, deliveryJobId, emailJobId, recoveryJobId } from '@hookline/queue';

const BATCH = 500;
/** Overdue deliveries looked at per sweep: a large backlog is walked through in one sweep, up to this. */
const MAX_PER_SWEEP = 20_000;

interface Overdue {
  id: string;
  attempt_count: number;
  batch_id: string | null;
  next_attempt_at: Date;
  /** A lease that ran out: the worker that claimed the attempt is gone (a live one renews its leases). */
  claim_expires_at: Date | null;
}

/**
 * Re-enqueues committed work that never reached Redis, or whose job was lost
 * (SPEC §4, §7): API crash between commit and enqueue, Redis down, flushed or
 * back empty, a worker killed mid-attempt. An attempt whose lease lapsed was
 * claimed by a worker that is gone: it gets a fresh job, once per lapse. Other
 * work whose job still exists is left alone, wherever it waits: a retry or
 * redelivery in its own job, a first attempt in the batch job named on its row
 * (a dead worker's jobs return to the queue by BullMQ's stall check). A failed
 * job is retried.
 */
@Injectable()
export class SweeperService {
  private readonly logger = new Logger(SweeperService.name);
  private readonly graceMs: number;

  constructor(
    private readonly prisma: PrismaService,
    private readonly sql: SqlPool,
    private readonly queue: DeliveryQueue,
    config: ConfigService,
  ) {
    this.graceMs = config.get('sweepGraceMs');
  }

  async sweep(): Promise<{ deliveries: number; emails: number }> {
    const deliveries = await this.sweepDeliveries();
    const emails = await this.sweepEmails();
    if (deliveries || emails) this.logger.warn({ msg: 'sweeper re-enqueued work', deliveries, emails });
    return { deliveries, emails };
  }

  /** Walks the overdue deliveries in due order, page by page, re-enqueueing those whose job is gone. */
  private async sweepDeliveries(): Promise<number> {
    const cutoff = new Date(Date.now() - this.graceMs);
    let after: Overdue | null = null;
    let requeued = 0;
    for (let seen = 0; seen < MAX_PER_SWEEP; ) {
      const page = await this.overdue(cutoff, after);
      requeued += await this.requeueLost(page);
      seen += page.length;
      if (page.length < BATCH) break;
      after = page[page.length - 1];
    }
    return requeued;
  }

  private async overdue(cutoff: Date, after: Overdue | null): Promise<Overdue[]> {
    // 'PENDING' as a literal: the planner must see it to use the partial index of pending deliveries.
    const { rows } = await this.sql.query<Overdue>(
      `SELECT id, attempt_count, batch_id, next_attempt_at, claim_expires_at FROM delivery
       WHERE status = 'PENDING' AND next_attempt_at < $1 AND (claim_expires_at IS NULL OR claim_expires_at < now())
         AND ($2::timestamptz IS NULL OR (next_attempt_at, id) > ($2, $3::bigint))
       ORDER BY next_attempt_at, id
       LIMIT ${BATCH}`,
      [cutoff, after?.next_attempt_at ?? null, after?.id ?? null],
    );
    return rows;
  }

  /** Re-enqueues the page's lost attempts and retries its failed jobs; returns how many. */
  private async requeueLost(page: Overdue[]): Promise<number> {
    const carriers = await this.carriers(page);
    const missing = page.filter((_, i) => !carriers[i]).map((d) => ({ deliveryId: d.id, attempt: d.attempt_count + 1, lapsedLease: d.claim_expires_at ?? undefined }));
    if (missing.length) await this.queue.enqueueAttempts(missing);
    let retried = 0;
    for (const job of new Set(carriers.filter((j): j is Job => j !== undefined))) {
      if (await job.isFailed()) {
        await job.retry().catch(() => undefined);
        retried++;
      }
    }
    return missing.length + retried;
  }

  /**
   * Per delivery, the job that carries its next attempt, if any. After a lapsed
   * lease, only the job made for that lapse counts: the one that was running
   * it belongs to a dead worker. Otherwise its own job, or for a first attempt
   * its batch's.
   */
  private carriers(deliveries: Overdue[]): Promise<(Job | undefined)[]> {
    const lookups = new Map<string, Promise<Job | undefined>>();
    const lookup = (jobId: string) => {
      if (!lookups.has(jobId)) lookups.set(jobId, this.queue.deliveries.getJob(jobId));
      return lookups.get(jobId)!;
    };
    return Promise.all(
      deliveries.map(async (d) => {
        const attempt = d.attempt_count + 1;
        const ids = d.claim_expires_at
          ? [recoveryJobId(d.id, attempt, d.claim_expires_at)]
          : [deliveryJobId(d.id, attempt), ...(attempt === 1 && d.batch_id ? [deliveryBatchJobId(d.batch_id)] : [])];
        return (await Promise.all(ids.map(lookup))).find((j) => j !== undefined);
      }),
    );
  }

  /** Emails: PENDING ones whose job is gone, and SENDING ones a dead worker left behind. */
  private async sweepEmails(): Promise<number> {
    const cutoff = new Date(Date.now() - this.graceMs);
    await this.prisma.notification.updateMany({ where: { emailStatus: 'SENDING', createdAt: { lt: new Date(Date.now() - 5 * 60_000) } }, data: { emailStatus: 'PENDING' } });
    const pending = await this.prisma.notification.findMany({ where: { emailStatus: 'PENDING', createdAt: { lt: cutoff } }, select: { id: true }, take: BATCH });
    const lost: bigint[] = [];
    for (const n of pending) {
      const job = await this.queue.emails.getJob(emailJobId(n.id));
      if (!job) lost.push(n.id);
      else if (await job.isFailed()) await job.retry().catch(() => undefined);
    }
    await this.queue.enqueueEmails(lost);
    return lost.length;
  }
}
