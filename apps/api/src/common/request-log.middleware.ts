import { Injectable, Logger, NestMiddleware } from '@nestjs/common';
import type { NextFunction, Response } from 'express';
import { Counter, Histogram } from 'prom-client';
import { MetricsService } from '@hookline/common';
import { AuthedRequest } from '../auth/principal';

const PUBLISH_PATH = '/api/v1/organization/events';

/** One structured line per request: no query string, headers or bodies (they may carry secrets). */
@Injectable()
export class RequestLogMiddleware implements NestMiddleware {
  private readonly logger = new Logger('HTTP');

  private readonly requests: Counter<'status'>;
  /** The API's own part of an event's latency, to tell it from the dispatcher's (docs/operations.md). */
  private readonly publishes: Histogram<'status'>;

  constructor(metrics: MetricsService) {
    this.requests = new Counter({ name: 'hookline_http_requests_total', help: 'API requests by status class', labelNames: ['status'], registers: [metrics.registry] });
    this.publishes = new Histogram({
      name: 'hookline_publish_duration_seconds',
      help: 'Publish requests (POST /api/v1/organization/events) from arrival to the answer, by status class; a 202 is sent once committed',
      labelNames: ['status'],
      buckets: [0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
      registers: [metrics.registry],
    });
  }

  use(req: AuthedRequest, res: Response, next: NextFunction) {
    const start = process.hrtime.bigint();
    res.on('finish', () => {
      const status = `${Math.floor(res.statusCode / 100)}xx`;
      const path = (req.originalUrl ?? req.url).split('?')[0];
      const durationMs = Number((process.hrtime.bigint() - start) / 1000n) / 1000;
      this.requests.inc({ status });
      if (req.method === 'POST' && path === PUBLISH_PATH) this.publishes.observe({ status }, durationMs / 1000);
      this.logger.log({
        msg: 'request',
        method: req.method,
        path,
        status: res.statusCode,
        durationMs,
        organizationId: req.targetOrgId ?? req.principal?.organizationId,
        clientId: req.principal?.clientId,
      });
    });
    next();
  }
}
