import { Processor, WorkerHost } from '@nestjs/bullmq';
import { Logger, OnApplicationBootstrap } from '@nestjs/common';
import type { Job } from 'bullmq';
import { ConfigService } from '@hookline/config';
import { JobPayloads, QUEUES, WORKER_OPTIONS } from '@hookline/queue';
import { DeliveryService, ShuttingDownError } from './delivery.service';

/** Runs delivery attempts. Throws only on infrastructure errors (BullMQ then retries with backoff). */
@Processor(QUEUES.delivery, WORKER_OPTIONS)
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
    // Every delivery of the job settles before the job does, even when one fails.
    const settled = await this.deliveries.runJob(ids.map((id) => BigInt(id)), attempt);
    const counts: Record<string, number> = {};
    for (const r of settled) {
      const key = r.status === 'fulfilled' ? r.value : r.reason instanceof ShuttingDownError ? 'left' : 'error';
      counts[key] = (counts[key] ?? 0) + 1;
    }
    // Deliveries not done (infrastructure error, or left at shutdown) make the job
    // fail and be retried; those already done are skipped by their claims.
    const failure = settled.find((r) => r.status === 'rejected') as PromiseRejectedResult | undefined;
    const why = failure ? { firstError: String((failure.reason as Error)?.message ?? failure.reason).slice(0, 300) } : {};
    this.logger.log({ msg: 'delivery job', jobId: job.id, attempt, deliveries: ids.length, ...counts, ...why, durationMs: Date.now() - start });
    if (failure) throw failure.reason;
    return counts;
  }
}
