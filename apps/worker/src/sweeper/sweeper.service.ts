import { Injectable, Logger } from '@nestjs/common';
import { ConfigService } from '@hookline/config';
import { PrismaService } from '@hookline/db';
import { DeliveryQueue, deliveryJobId, emailJobId } from '@hookline/queue';

const BATCH = 500;

/**
 * Re-enqueues committed work that never reached Redis, or whose job was lost
 * (SPEC §4, §7): API crash between commit and enqueue, Redis down or flushed,
 * a worker killed mid-attempt (its claim expires). Enqueueing is idempotent, so
 * a job that still exists is left alone; a failed one is retried.
 */
@Injectable()
export class SweeperService {
  private readonly logger = new Logger(SweeperService.name);
  private readonly graceMs: number;

  constructor(
    private readonly prisma: PrismaService,
    private readonly queue: DeliveryQueue,
    config: ConfigService,
  ) {
    this.graceMs = config.get('sweepGraceMs');
  }

  async sweep(): Promise<{ deliveries: number; emails: number }> {
    const cutoff = new Date(Date.now() - this.graceMs);
    // 'PENDING' as a literal: the planner must see it to use the partial index of pending deliveries.
    const overdue = await this.prisma.$queryRaw<{ id: bigint; attempt_count: number }[]>`
      SELECT id, attempt_count FROM delivery
      WHERE status = 'PENDING' AND next_attempt_at < ${cutoff} AND (claim_expires_at IS NULL OR claim_expires_at < now())
      ORDER BY next_attempt_at
      LIMIT ${BATCH}`;
    let deliveries = 0;
    const missing: { deliveryId: bigint; attempt: number }[] = [];
    for (const d of overdue) {
      const job = await this.queue.deliveries.getJob(deliveryJobId(d.id, d.attempt_count + 1));
      if (!job) missing.push({ deliveryId: d.id, attempt: d.attempt_count + 1 });
      else if (await job.isFailed()) {
        await job.retry().catch(() => undefined);
        deliveries++;
      }
    }
    if (missing.length) await this.queue.enqueueAttempts(missing);
    deliveries += missing.length;

    // Emails: PENDING ones whose job is gone, and SENDING ones a dead worker left behind.
    await this.prisma.notification.updateMany({ where: { emailStatus: 'SENDING', createdAt: { lt: new Date(Date.now() - 5 * 60_000) } }, data: { emailStatus: 'PENDING' } });
    const pending = await this.prisma.notification.findMany({ where: { emailStatus: 'PENDING', createdAt: { lt: cutoff } }, select: { id: true }, take: BATCH });
    const lostEmails: bigint[] = [];
    for (const n of pending) {
      const job = await this.queue.emails.getJob(emailJobId(n.id));
      if (!job) lostEmails.push(n.id);
      else if (await job.isFailed()) await job.retry().catch(() => undefined);
    }
    await this.queue.enqueueEmails(lostEmails);
    if (deliveries || lostEmails.length) this.logger.warn({ msg: 'sweeper re-enqueued work', deliveries, emails: lostEmails.length });
    return { deliveries, emails: lostEmails.length };
  }
}
