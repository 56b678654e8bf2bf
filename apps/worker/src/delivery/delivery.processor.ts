import { Processor, WorkerHost } from '@nestjs/bullmq';
import { Logger, OnApplicationBootstrap } from '@nestjs/common';
import type { Job } from 'bullmq';
import { ConfigService } from '@hookline/config';
import { JobPayloads, QUEUES } from '@hookline/queue';
import { DeliveryService } from './delivery.service';

/** Runs delivery attempts. Throws only on infrastructure errors (BullMQ then retries with backoff). */
@Processor(QUEUES.delivery)
export class DeliveryProcessor extends WorkerHost implements OnApplicationBootstrap {
  private readonly logger = new Logger(DeliveryProcessor.name);

  constructor(
    private readonly deliveries: DeliveryService,
    private readonly config: ConfigService,
  ) {
    super();
  }

  // After the worker exists (Nest creates it during module init).
  onApplicationBootstrap() {
    this.worker.concurrency = this.config.get('workerConcurrency');
  }

  /** One log line per job: its deliveries, how they ended, and how long it took. */
  async process(job: Job<JobPayloads['deliver'] | JobPayloads['deliver-batch']>): Promise<Record<string, number>> {
    const start = Date.now();
    const { attempt } = job.data;
    const ids = 'deliveryIds' in job.data ? job.data.deliveryIds : [job.data.deliveryId];
    const results = await Promise.all(ids.map((id) => this.deliveries.run(BigInt(id), attempt)));
    const counts: Record<string, number> = {};
    for (const r of results) counts[r] = (counts[r] ?? 0) + 1;
    this.logger.log({ msg: 'delivery job', jobId: job.id, attempt, deliveries: ids.length, ...counts, durationMs: Date.now() - start });
    return counts;
  }
}
