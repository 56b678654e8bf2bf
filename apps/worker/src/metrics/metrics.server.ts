import http from 'node:http';
import { Inject, Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { getQueueToken } from '@nestjs/bullmq';
import type { Queue } from 'bullmq';
import type Redis from 'ioredis';
import { ConfigService } from '@hookline/config';
import { MetricsService } from '@hookline/common';
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
    this.server = http.createServer((req, res) => void this.handle(req, res));
    this.server.on('error', (err) => this.logger.warn(`metrics listener not started on port ${port}: ${err.message}`));
    this.server.listen(port, () => this.logger.log({ msg: 'worker metrics listening', port }));
  }

  private async handle(req: http.IncomingMessage, res: http.ServerResponse) {
    try {
      if (req.url === '/metrics') {
        const { contentType, body } = await this.metrics.render();
        res.writeHead(200, { 'Content-Type': contentType }).end(body);
      } else if (req.url === '/health/live') {
        res.writeHead(200, { 'Content-Type': 'application/json' }).end('{"status":"ok"}');
      } else if (req.url === '/health/ready') {
        const [pg, redis] = await Promise.allSettled([this.prisma.ping(), this.redis.ping()]);
        const ok = pg.status === 'fulfilled' && redis.status === 'fulfilled';
        res.writeHead(ok ? 200 : 503, { 'Content-Type': 'application/json' }).end(
          JSON.stringify({ status: ok ? 'ok' : 'unavailable', checks: { postgres: pg.status === 'fulfilled' ? 'ok' : 'down', redis: redis.status === 'fulfilled' ? 'ok' : 'down' } }),
        );
      } else {
        res.writeHead(404).end();
      }
    } catch {
      res.writeHead(500).end();
    }
  }

  onApplicationShutdown() {
    this.server?.close();
  }
}
