import { Inject, Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import type Redis from 'ioredis';
import { PrismaService } from '@hookline/db';
import { DeliveryQueue, REDIS } from '@hookline/queue';
import { DeliveryProcessor } from './delivery/delivery.processor';
import { AttemptSettler } from './delivery/attempt-settler';
import { DeliveryService } from './delivery/delivery.service';
import { EmailProcessor } from './notifications/email.processor';
import { UpkeepScheduler } from './upkeep/upkeep.scheduler';

/** Checks both stores at start and logs the worker's lifecycle; the process fails fast if either is unreachable. */
@Injectable()
export class WorkerLifecycle implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('Worker');

  constructor(
    private readonly prisma: PrismaService,
    @Inject(REDIS) private readonly redis: Redis,
    private readonly deliveries: DeliveryProcessor,
    private readonly emails: EmailProcessor,
    private readonly upkeep: UpkeepScheduler,
    private readonly delivery: DeliveryService,
    private readonly settler: AttemptSettler,
    private readonly queues: DeliveryQueue,
  ) {}

  /**
   * Stops taking jobs and waits for the ones in flight to finish, and for
   * the records of their attempts (they follow the jobs). Must run
   * before Nest's shutdown hooks: Nest closes BullMQ workers only after
   * PostgreSQL, Redis and the HTTP agents are gone, which would fail the
   * attempts in flight.
   */
  async drain(): Promise<void> {
    const started = Date.now();
    this.delivery.beginShutdown();
    await Promise.all([this.upkeep.stop(), ...[this.deliveries, this.emails].map((p) => p.worker.close())]);
    await this.settler.idle();
    this.logger.log({ msg: 'in-flight jobs finished', durationMs: Date.now() - started });
  }

  async onApplicationBootstrap() {
    await this.prisma.ping();
    const pong = await this.redis.ping();
    if (pong !== 'PONG') throw new Error(`unexpected Redis answer: ${pong}`);
    // A BullMQ connection closed while still being set up drops its listeners and then reports the
    // failed set-up as an 'error' no one hears, which ends the process (seen: SIGTERM 34 ms after
    // ready, exit 1). Ready, and so stoppable, only once every one of them is up.
    const bull = [this.deliveries.worker, this.emails.worker, this.queues.deliveries, this.queues.emails];
    await Promise.all(bull.map((b) => b.waitUntilReady()));
    this.logger.log({ msg: 'worker ready', pid: process.pid });
  }

  onApplicationShutdown(signal?: string) {
    this.logger.log({ msg: 'worker stopped', signal });
  }
}
