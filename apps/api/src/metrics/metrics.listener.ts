import type http from 'node:http';
import { Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { ConfigService } from '@hookline/config';
import { MetricsService, listenForScrapes } from '@hookline/common';

/** With HOOKLINE_API_METRICS_PORT set, the API's /metrics on that port only, for the monitoring network (MetricsController answers 404). */
@Injectable()
export class ApiMetricsListener implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(ApiMetricsListener.name);
  private server?: http.Server;

  constructor(
    private readonly metrics: MetricsService,
    private readonly config: ConfigService,
  ) {}

  onApplicationBootstrap() {
    const port = this.config.get('apiMetricsPort');
    if (!port) return;
    this.server = listenForScrapes(port, { '/metrics': async () => ({ status: 200, ...(await this.metrics.render()) }) }, this.logger, 'api metrics');
  }

  onApplicationShutdown() {
    this.server?.close();
  }
}
