import { InjectQueue } from '@nestjs/bullmq';
import { Injectable, Logger } from '@nestjs/common';
import type { Queue } from 'bullmq';
import { FairOrder, MAX_PRIORITY, prioritiesFrom } from './fair-order';
import { JobPayloads, QUEUES, deliveryBatchJobId, deliveryJobId, emailJobId, recoveryJobId } from './queues';

export interface AttemptJob {
  deliveryId: string | bigint;
  attempt: number;
  /** Whose delivery it is: the attempt takes that organization's next place in the fair order. */
  organizationId?: number;
  delayMs?: number;
  /** Set when the attempt's worker died holding this lease: the job gets an id of its own (recoveryJobId). */
  lapsedLease?: Date;
  /** A place in the order the attempt had already (one handed back keeps it); otherwise it takes its organization's next. */
  priority?: number;
}

const CHUNK = 1000;
/** Deliveries per batch job: small enough that several workers share a large fan-out. */
export const DELIVERY_BATCH = 50;

/** Producer for delivery and email jobs. Callers enqueue after their transaction commits. */
@Injectable()
export class DeliveryQueue {
  constructor(
    @InjectQueue(QUEUES.delivery) readonly deliveries: Queue<JobPayloads['deliver'] | JobPayloads['deliver-batch']>,
    @InjectQueue(QUEUES.email) readonly emails: Queue<JobPayloads['send-email']>,
    private readonly fair: FairOrder,
  ) {
    // A connection that closes while it is still being set up (a shutdown right after start) is
    // reported as a queue 'error' event: logged, never an unhandled error that ends the process.
    const logger = new Logger(DeliveryQueue.name);
    for (const q of [deliveries, emails]) q.on('error', (err) => logger.warn({ msg: 'queue connection error', queue: q.name, error: err.message }));
  }

  /**
   * First attempts of an organization's deliveries committed together, as
   * batch jobs: one per `batchId`, the id the ingest statement wrote on each
   * delivery's row (its batch's first delivery), so the sweeper can find the
   * job again. Each delivery still has its own claim, attempt and outcome; the
   * batch only shares the queue round trips. `tags`: their places in the fair
   * order, reserved beforehand (reserveFirstAttempts) for at least these deliveries.
   */
  async enqueueFirstAttempts(deliveries: { id: string; batchId: string }[], tags: Promise<number>): Promise<void> {
    const batches = new Map<string, string[]>();
    for (const d of deliveries) {
      const ids = batches.get(d.batchId);
      if (ids) ids.push(d.id);
      else batches.set(d.batchId, [d.id]);
    }
    const entries = [...batches];
    const priorities = prioritiesFrom(await tags, entries.map(([, ids]) => ids.length));
    const jobs = entries.map(([batchId, ids], i) => ({
      name: 'deliver-batch',
      data: { deliveryIds: ids, attempt: 1 },
      opts: { jobId: deliveryBatchJobId(batchId), priority: priorities[i] },
    }));
    for (let i = 0; i < jobs.length; i += CHUNK) await this.deliveries.addBulk(jobs.slice(i, i + CHUNK));
  }

  /**
   * Reserves an organization's places in the fair order for `deliveries` first
   * attempts about to be committed: the ingest takes them while its commit is
   * under way. Tags of deliveries an idempotent repeat does not create are
   * skipped, which only moves that organization's own next tag on.
   */
  reserveFirstAttempts(organizationId: number, deliveries: number): Promise<number> {
    return this.fair.reserve(organizationId, deliveries);
  }

  async enqueueAttempts(jobs: AttemptJob[]): Promise<void> {
    const priorities = await this.prioritiesOf(jobs);
    for (let i = 0; i < jobs.length; i += CHUNK) {
      await this.deliveries.addBulk(
        jobs.slice(i, i + CHUNK).map((j, k) => ({
          name: 'deliver',
          data: { deliveryId: String(j.deliveryId), attempt: j.attempt },
          opts: {
            jobId: j.lapsedLease ? recoveryJobId(j.deliveryId, j.attempt, j.lapsedLease) : deliveryJobId(j.deliveryId, j.attempt),
            delay: j.delayMs && j.delayMs > 0 ? j.delayMs : undefined,
            priority: priorities[i + k],
          },
        })),
      );
    }
  }

  /** Each job's priority: the one it carries, or its organization's next (one round trip per organization). */
  private async prioritiesOf(jobs: AttemptJob[]): Promise<number[]> {
    // Neither a place nor an organization: last, first in first out.
    const out = jobs.map((j) => j.priority ?? (j.organizationId === undefined ? MAX_PRIORITY : undefined));
    const byOrg = new Map<number, number[]>();
    jobs.forEach((j, i) => {
      if (out[i] !== undefined) return;
      const list = byOrg.get(j.organizationId!);
      if (list) list.push(i);
      else byOrg.set(j.organizationId!, [i]);
    });
    for (const [org, idx] of byOrg) {
      const ps = await this.fair.priorities(org, idx.map(() => 1));
      idx.forEach((i, k) => (out[i] = ps[k]));
    }
    return out as number[];
  }

  async enqueueEmails(notificationIds: (string | bigint)[]): Promise<void> {
    if (!notificationIds.length) return;
    await this.emails.addBulk(
      notificationIds.map((id) => ({ name: 'send-email', data: { notificationId: String(id) }, opts: { jobId: emailJobId(id) } })),
    );
  }
}
