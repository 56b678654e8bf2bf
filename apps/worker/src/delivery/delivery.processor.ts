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

  async process(job: Job<JobPayloads['deliver']>): Promise<string> {
    const start = Date.now();
    const result = await this.deliveries.run(BigInt(job.data.deliveryId), job.data.attempt);
    this.logger.log({ msg: 'attempt', deliveryId: job.data.deliveryId, attempt: job.data.attempt, result, durationMs: Date.now() - start });
    return result;
  }
}
