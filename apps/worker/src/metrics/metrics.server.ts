import http from 'node:http';
import { Inject, Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { getQueueToken } from '@nestjs/bullmq';
import type { Queue } from 'bullmq';
import type Redis from 'ioredis';
import { ConfigService } from '@hookline/config';
import { MetricsService, ScrapeAnswer, listenForScrapes } from '@hookline/common';
import { PrismaService, WebhookCountersRepository } from '@hookline/db';
import { QUEUES, REDIS, registerStoreGauges } from '@hookline/queue';

/**
 * The worker's only listener (SPEC §1, §6): GET /metrics (Prometheus) and
 * /health/live, /health/ready. HOOKLINE_WORKER_METRICS_PORT=0 turns it off; a
 * busy port is logged, not fatal.
 */
@Injectable()
export class MetricsServer implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(MetricsServer.name);
  private server?: http.Server;

  constructor(
    private readonly metrics: MetricsService,
    private readonly config: ConfigService,
    private readonly prisma: PrismaService,
    counters: WebhookCountersRepository,
    @Inject(REDIS) private readonly redis: Redis,
    @Inject(getQueueToken(QUEUES.delivery)) deliveries: Queue,
    @Inject(getQueueToken(QUEUES.email)) emails: Queue,
  ) {
    registerStoreGauges(metrics, [deliveries, emails], () => counters.states());
  }

  onApplicationBootstrap() {
    const port = this.config.get('workerMetricsPort');
    if (!port) return;
    const json = (status: number, body: unknown): ScrapeAnswer => ({ status, contentType: 'application/json', body: JSON.stringify(body) });
    this.server = listenForScrapes(
      port,
      {
        '/metrics': async () => ({ status: 200, ...(await this.metrics.render()) }),
        '/health/live': async () => json(200, { status: 'ok' }),
        '/health/ready': async () => {
          const [pg, redis] = await Promise.allSettled([this.prisma.ping(), this.redis.ping()]);
          const ok = pg.status === 'fulfilled' && redis.status === 'fulfilled';
          const state = (r: PromiseSettledResult<unknown>) => (r.status === 'fulfilled' ? 'ok' : 'down');
          return json(ok ? 200 : 503, { status: ok ? 'ok' : 'unavailable', checks: { postgres: state(pg), redis: state(redis) } });
        },
      },
      this.logger,
      'worker metrics',
    );
  }

  onApplicationShutdown() {
    this.server?.close();
  }
}
