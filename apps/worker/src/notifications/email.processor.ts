import { OnWorkerEvent, Processor, WorkerHost } from '@nestjs/bullmq';
import { Logger } from '@nestjs/common';
import type { Job } from 'bullmq';
import { JobPayloads, QUEUES, WORKER_OPTIONS } from '@hookline/queue';
import { EmailService } from './email.service';

@Processor(QUEUES.email, WORKER_OPTIONS)
export class EmailProcessor extends WorkerHost {
  private readonly logger = new Logger(EmailProcessor.name);

  constructor(private readonly emails: EmailService) {
    super();
  }

  /** Redis going away, or closing under a job at shutdown: logged, never an unhandled 'error' event (BullMQ reconnects). */
  @OnWorkerEvent('error')
  onError(err: Error) {
    this.logger.warn({ msg: 'email worker error', error: err.message });
  }

  async process(job: Job<JobPayloads['send-email']>): Promise<string> {
    const finalTry = job.attemptsMade + 1 >= (job.opts.attempts ?? 1);
    const result = await this.emails.send(BigInt(job.data.notificationId), finalTry);
    this.logger.log({ msg: 'email job', notificationId: job.data.notificationId, result });
    return result;
  }
}
