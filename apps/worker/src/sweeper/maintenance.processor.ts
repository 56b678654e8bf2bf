import { InjectQueue, Processor, WorkerHost } from '@nestjs/bullmq';
import { Logger, OnApplicationBootstrap } from '@nestjs/common';
import type { Job, Queue } from 'bullmq';
import { ConfigService } from '@hookline/config';
import { QUEUES } from '@hookline/queue';
import { RetentionService } from '../retention/retention.service';
import { SweeperService } from './sweeper.service';

/**
 * Periodic upkeep as BullMQ job schedulers: each tick runs on one worker only,
 * however many are running.
 */
@Processor(QUEUES.maintenance)
export class MaintenanceProcessor extends WorkerHost implements OnApplicationBootstrap {
  private readonly logger = new Logger(MaintenanceProcessor.name);

  constructor(
    private readonly sweeper: SweeperService,
    private readonly retention: RetentionService,
    private readonly config: ConfigService,
    @InjectQueue(QUEUES.maintenance) private readonly queue: Queue,
  ) {
    super();
  }

  async onApplicationBootstrap() {
    await this.queue.upsertJobScheduler('sweep', { every: this.config.get('sweepIntervalMs') }, { name: 'sweep', opts: { removeOnComplete: true, removeOnFail: 100 } });
    await this.queue.upsertJobScheduler('prune', { every: 3600_000 }, { name: 'prune', opts: { removeOnComplete: true, removeOnFail: 100 } });
  }

  async process(job: Job): Promise<unknown> {
    if (job.name === 'sweep') return this.sweeper.sweep();
    if (job.name === 'prune') return this.retention.prune();
    this.logger.warn(`unknown maintenance job ${job.name}`);
    return null;
  }
}
