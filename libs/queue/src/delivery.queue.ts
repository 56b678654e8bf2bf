import { InjectQueue } from '@nestjs/bullmq';
import { Injectable } from '@nestjs/common';
import type { Queue } from 'bullmq';
import { JobPayloads, QUEUES, deliveryJobId, emailJobId } from './queues';

export interface AttemptJob {
  deliveryId: string | bigint;
  attempt: number;
  delayMs?: number;
}

const CHUNK = 1000;

/** Producer for delivery and email jobs. Callers enqueue after their transaction commits. */
@Injectable()
export class DeliveryQueue {
  constructor(
    @InjectQueue(QUEUES.delivery) readonly deliveries: Queue<JobPayloads['deliver']>,
    @InjectQueue(QUEUES.email) readonly emails: Queue<JobPayloads['send-email']>,
  ) {}

  async enqueueAttempts(jobs: AttemptJob[]): Promise<void> {
    for (let i = 0; i < jobs.length; i += CHUNK) {
      await this.deliveries.addBulk(
        jobs.slice(i, i + CHUNK).map((j) => ({
          name: 'deliver',
          data: { deliveryId: String(j.deliveryId), attempt: j.attempt },
          opts: { jobId: deliveryJobId(j.deliveryId, j.attempt), delay: j.delayMs && j.delayMs > 0 ? j.delayMs : undefined },
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
