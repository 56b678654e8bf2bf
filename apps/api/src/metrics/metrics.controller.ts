import { Controller, Get, Inject, NotFoundException, Res } from '@nestjs/common';
import { ConfigService } from '@hookline/config';
import { getQueueToken } from '@nestjs/bullmq';
import { ApiExcludeController } from '@nestjs/swagger';
import type { Queue } from 'bullmq';
import type { Response } from 'express';
import { MetricsService } from '@hookline/common';
import { WebhookCountersRepository } from '@hookline/db';
import { QUEUES, registerStoreGauges } from '@hookline/queue';
import { Public } from '../auth/principal';

/** Prometheus metrics of the API process (SPEC §6), on the API's port unless HOOKLINE_API_METRICS_PORT is set. */
@ApiExcludeController()
@Controller('metrics')
export class MetricsController {
  constructor(
    private readonly metrics: MetricsService,
    private readonly config: ConfigService,
    counters: WebhookCountersRepository,
    @Inject(getQueueToken(QUEUES.delivery)) deliveries: Queue,
    @Inject(getQueueToken(QUEUES.email)) emails: Queue,
  ) {
    registerStoreGauges(metrics, [deliveries, emails], () => counters.states());
  }

  @Public()
  @Get()
  async scrape(@Res() res: Response) {
    // Served on HOOKLINE_API_METRICS_PORT instead (ApiMetricsListener): here as if there were no such route.
    if (this.config.get('apiMetricsPort')) throw new NotFoundException('Cannot GET /metrics');
    const { contentType, body } = await this.metrics.render();
    res.setHeader('Content-Type', contentType);
    res.send(body);
  }
}
