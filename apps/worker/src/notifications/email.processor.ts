import { Processor, WorkerHost } from '@nestjs/bullmq';
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

  async process(job: Job<JobPayloads['send-email']>): Promise<string> {
    const finalTry = job.attemptsMade + 1 >= (job.opts.attempts ?? 1);
    const result = await this.emails.send(BigInt(job.data.notificationId), finalTry);
    this.logger.log({ msg: 'email job', notificationId: job.data.notificationId, result });
    return result;
  }
}
