import { Inject, Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import type Redis from 'ioredis';
import { PrismaService } from '@hookline/db';
import { REDIS } from '@hookline/queue';

/** Checks both stores at start and logs the worker's lifecycle; the process fails fast if either is unreachable. */
@Injectable()
export class WorkerLifecycle implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('Worker');

  constructor(
    private readonly prisma: PrismaService,
    @Inject(REDIS) private readonly redis: Redis,
  ) {}

  async onApplicationBootstrap() {
    await this.prisma.ping();
    const pong = await this.redis.ping();
    if (pong !== 'PONG') throw new Error(`unexpected Redis answer: ${pong}`);
    this.logger.log({ msg: 'worker ready', pid: process.pid });
  }

  onApplicationShutdown(signal?: string) {
    this.logger.log({ msg: 'worker stopped', signal });
  }
}
