import { OnWorkerEvent, Processor, WorkerHost } from '@nestjs/bullmq';
import { Logger, OnApplicationBootstrap } from '@nestjs/common';
import { DelayedError, Job } from 'bullmq';
import { ConfigService } from '@hookline/config';
import { DeliveryQueue, FairOrder, JobPayloads, QUEUES, WORKER_OPTIONS } from '@hookline/queue';
import { DeliveryService } from './delivery.service';
import { HandedBack, RunResult, ShuttingDownError } from './job-run';

type DeliveryJob = Job<JobPayloads['deliver'] | JobPayloads['deliver-batch']>;

/** Runs delivery attempts. Throws only on infrastructure errors (BullMQ then retries with backoff). */
@Processor(QUEUES.delivery, WORKER_OPTIONS)
export class DeliveryProcessor extends WorkerHost implements OnApplicationBootstrap {
  private readonly logger = new Logger(DeliveryProcessor.name);

  constructor(
    private readonly deliveries: DeliveryService,
    private readonly queue: DeliveryQueue,
    private readonly fair: FairOrder,
    private readonly config: ConfigService,
  ) {
    super();
  }

  // After the worker exists (Nest creates it during module init).
  onApplicationBootstrap() {
    this.worker.concurrency = this.config.get('workerConcurrency');
  }

  /** Redis going away, or closing under a job at shutdown: logged, never an unhandled 'error' event (BullMQ reconnects). */
  @OnWorkerEvent('error')
  onError(err: Error) {
    this.logger.warn({ msg: 'delivery worker error', error: err.message });
  }

  /**
   * Runs a job's attempts. The job ends once they are all past their requests;
   * its log line, with how each ended and how long the job took, is written
   * when their records have committed too.
   */
  async process(job: DeliveryJob, token?: string): Promise<void> {
    const start = Date.now();
    const { attempt } = job.data;
    const ids = 'deliveryIds' in job.data ? job.data.deliveryIds : [job.data.deliveryId];
    // The fair order's clock follows the jobs that get their slots, not those fetched: fetched
    // ones may wait here by tag. (A lost update only blurs the order.)
    const rank = job.opts.priority ?? 0;
    const started = () => void this.fair.started(rank, this.deliveries.waiting()).catch(() => undefined);
    const { failure, settled, handedBack } = await this.deliveries.runJob(ids.map((id) => BigInt(id)), attempt, rank, started);
    void settled.then((results) => this.logJob(job, results, Date.now() - start));
    // Attempts not done (infrastructure error, or left at shutdown) make the job
    // fail and be retried; those already done are skipped by their claims.
    if (failure) throw failure;
    if (handedBack.size) await this.handBack(job, token, handedBack);
  }

  private logJob(job: DeliveryJob, settled: PromiseSettledResult<RunResult>[], durationMs: number): void {
    const counts: Record<string, number> = {};
    for (const r of settled) {
      const key = r.status === 'fulfilled' ? r.value : r.reason instanceof ShuttingDownError ? 'left' : 'error';
      counts[key] = (counts[key] ?? 0) + 1;
    }
    const failure = settled.find((r) => r.status === 'rejected') as PromiseRejectedResult | undefined;
    const why = failure ? { firstError: String((failure.reason as Error)?.message ?? failure.reason).slice(0, 300) } : {};
    this.logger.log({ msg: 'delivery job', jobId: job.id, attempt: job.data.attempt, deliveries: settled.length, ...counts, ...why, durationMs });
  }

  /**
   * Attempts held back (an open circuit, a rate limit, a cap turning them
   * away) go back to the queue until they are to be tried, each at its
   * organization's next place in the fair order, so that they do not come back
   * ahead of everyone else's. A single attempt's job waits as it is; a batch's
   * attempts get jobs of their own.
   */
  private async handBack(job: DeliveryJob, token: string | undefined, handedBack: Map<bigint, HandedBack>): Promise<void> {
    if (!('deliveryIds' in job.data) && token) {
      const [{ organizationId, until }] = handedBack.values();
      const [priority] = await this.fair.priorities(organizationId, [1]);
      await job.changePriority({ priority });
      await job.moveToDelayed(until.getTime(), token);
      throw new DelayedError();
    }
    const now = Date.now();
    await this.queue.enqueueAttempts([...handedBack].map(([deliveryId, h]) => ({ deliveryId, attempt: job.data.attempt, delayMs: Math.max(0, h.until.getTime() - now), organizationId: h.organizationId })));
  }
}
