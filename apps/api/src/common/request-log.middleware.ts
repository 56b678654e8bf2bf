import { Injectable, Logger, NestMiddleware } from '@nestjs/common';
import type { NextFunction, Response } from 'express';
import { Counter } from 'prom-client';
import { MetricsService } from '@hookline/common';
import { AuthedRequest } from '../auth/principal';

/** One structured line per request: no query string, headers or bodies (they may carry secrets). */
@Injectable()
export class RequestLogMiddleware implements NestMiddleware {
  private readonly logger = new Logger('HTTP');

  private readonly requests: Counter<'status'>;

  constructor(metrics: MetricsService) {
    this.requests = new Counter({ name: 'hookline_http_requests_total', help: 'API requests by status class', labelNames: ['status'], registers: [metrics.registry] });
  }

  use(req: AuthedRequest, res: Response, next: NextFunction) {
    const start = process.hrtime.bigint();
    res.on('finish', () => {
      this.requests.inc({ status: `${Math.floor(res.statusCode / 100)}xx` });
      this.logger.log({
        msg: 'request',
        method: req.method,
        path: (req.originalUrl ?? req.url).split('?')[0],
        status: res.statusCode,
        durationMs: Number((process.hrtime.bigint() - start) / 1000n) / 1000,
        organizationId: req.targetOrgId ?? req.principal?.organizationId,
        clientId: req.principal?.clientId,
      });
    });
    next();
  }
}
