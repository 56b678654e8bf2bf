import { Controller, Get, Inject, Res } from '@nestjs/common';
import { getQueueToken } from '@nestjs/bullmq';
import { ApiExcludeController } from '@nestjs/swagger';
import type { Queue } from 'bullmq';
import type { Response } from 'express';
import { MetricsService } from '@hookline/common';
import { WebhookCountersRepository } from '@hookline/db';
import { QUEUES, registerStoreGauges } from '@hookline/queue';
import { Public } from '../auth/principal';

/** Prometheus metrics of the API process (SPEC §6). */
@ApiExcludeController()
@Controller('metrics')
export class MetricsController {
  constructor(
    private readonly metrics: MetricsService,
    counters: WebhookCountersRepository,
    @Inject(getQueueToken(QUEUES.delivery)) deliveries: Queue,
    @Inject(getQueueToken(QUEUES.email)) emails: Queue,
  ) {
    registerStoreGauges(metrics, [deliveries, emails], () => counters.states());
  }

  @Public()
  @Get()
  async scrape(@Res() res: Response) {
    const { contentType, body } = await this.metrics.render();
    res.setHeader('Content-Type', contentType);
    res.send(body);
  }
}
