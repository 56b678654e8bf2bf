import { Injectable, Logger } from '@nestjs/common';
import type { Job } from 'bullmq';
import { ConfigService } from '@hookline/config';
import { DeliveriesRepository, NotificationsRepository, OverdueDelivery } from '@hookline/db';
import { DeliveryQueue, deliveryBatchJobId, deliveryJobId, emailJobId, recoveryJobId } from '@hookline/queue';

const BATCH = 500;
/** Overdue deliveries looked at per sweep: a large backlog is walked through in one sweep, up to this. */
const MAX_PER_SWEEP = 20_000;

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
    private readonly deliveries: DeliveriesRepository,
    private readonly notifications: NotificationsRepository,
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
    let after: OverdueDelivery | null = null;
    let requeued = 0;
    for (let seen = 0; seen < MAX_PER_SWEEP; ) {
      const page = await this.deliveries.overdue(cutoff, after, BATCH);
      requeued += await this.requeueLost(page);
      seen += page.length;
      if (page.length < BATCH) break;
      after = page[page.length - 1];
    }
    return requeued;
  }

  /** Re-enqueues the page's lost attempts and retries its failed jobs; returns how many. */
  private async requeueLost(page: OverdueDelivery[]): Promise<number> {
    const carriers = await this.carriers(page);
    const missing = page.filter((_, i) => !carriers[i]).map((d) => ({ deliveryId: d.id, attempt: d.attempt_count + 1, lapsedLease: d.claim_expires_at ?? undefined, organizationId: d.organization_id }));
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
  private carriers(deliveries: OverdueDelivery[]): Promise<(Job | undefined)[]> {
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
    await this.notifications.releaseAbandoned(new Date(Date.now() - 5 * 60_000));
    const lost: bigint[] = [];
    for (const id of await this.notifications.pendingBefore(cutoff, BATCH)) {
      const job = await this.queue.emails.getJob(emailJobId(id));
      if (!job) lost.push(id);
      else if (await job.isFailed()) await job.retry().catch(() => undefined);
    }
    await this.queue.enqueueEmails(lost);
    return lost.length;
  }
}
