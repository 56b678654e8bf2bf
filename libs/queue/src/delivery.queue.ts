import { InjectQueue } from '@nestjs/bullmq';
import { Injectable } from '@nestjs/common';
import type { Queue } from 'bullmq';
import { JobPayloads, QUEUES, deliveryBatchJobId, deliveryJobId, emailJobId, recoveryJobId } from './queues';

export interface AttemptJob {
  deliveryId: string | bigint;
  attempt: number;
  delayMs?: number;
  /** Set when the attempt's worker died holding this lease: the job gets an id of its own (recoveryJobId). */
  lapsedLease?: Date;
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
  ) {}

  /**
   * First attempts of deliveries committed together, as batch jobs: one per
   * `batchId`, the id the ingest statement wrote on each delivery's row (its
   * batch's first delivery), so the sweeper can find the job again. Each
   * delivery still has its own claim, attempt and outcome; the batch only
   * shares the queue round trips.
   */
  async enqueueFirstAttempts(deliveries: { id: string; batchId: string }[]): Promise<void> {
    const batches = new Map<string, string[]>();
    for (const d of deliveries) {
      const ids = batches.get(d.batchId) ?? [];
      ids.push(d.id);
      batches.set(d.batchId, ids);
    }
    const jobs = [...batches].map(([batchId, ids]) => ({ name: 'deliver-batch', data: { deliveryIds: ids, attempt: 1 }, opts: { jobId: deliveryBatchJobId(batchId) } }));
    for (let i = 0; i < jobs.length; i += CHUNK) await this.deliveries.addBulk(jobs.slice(i, i + CHUNK));
  }

  async enqueueAttempts(jobs: AttemptJob[]): Promise<void> {
    for (let i = 0; i < jobs.length; i += CHUNK) {
      await this.deliveries.addBulk(
        jobs.slice(i, i + CHUNK).map((j) => ({
          name: 'deliver',
          data: { deliveryId: String(j.deliveryId), attempt: j.attempt },
          opts: { jobId: j.lapsedLease ? recoveryJobId(j.deliveryId, j.attempt, j.lapsedLease) : deliveryJobId(j.deliveryId, j.attempt), delay: j.delayMs && j.delayMs > 0 ? j.delayMs : undefined },
        })),
      );
    }
  }

  async enqueueEmails(notificationIds: (string | bigint)[]): Promise<void> {
    if (!notificationIds.length) return;
    await this.emails.addBulk(
      notificationIds.map((id) => ({ name: 'send-email', data: { notificationId: String(id) }, opts: { jobId: emailJobId(id) } })),
    );
  }
}
