import { Injectable } from '@nestjs/common';
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

/**
 * Prometheus metrics (SPEC §6), one registry per process. Gauges that need a
 * query (queue depth, disabled webhooks) get their collector from the app that
 * owns the data source.
 */
@Injectable()
export class MetricsService {
  readonly registry = new Registry();

  readonly deliveries = new Counter({
    name: 'hookline_deliveries_total',
    help: 'Deliveries that reached an outcome: succeeded, failed, retrying, cancelled',
    labelNames: ['outcome'] as const,
    registers: [this.registry],
  });

  readonly attemptDuration = new Histogram({
    name: 'hookline_attempt_duration_seconds',
    help: 'Duration of delivery attempts, by result (success, failure)',
    labelNames: ['result'] as const,
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 15, 30],
    registers: [this.registry],
  });

  readonly batchSize = new Histogram({
    name: 'hookline_batch_size',
    help: 'Items per database batch in the worker (claim, record)',
    labelNames: ['kind'] as const,
    buckets: [1, 2, 5, 10, 20, 50, 100, 200, 500],
    registers: [this.registry],
  });

  readonly heldBack = new Counter({
    name: 'hookline_attempts_held_back_total',
    help: 'Claimed attempts put back unsent and uncounted, by reason: circuit_open, rate_limited, concurrency_limit',
    labelNames: ['reason'] as const,
    registers: [this.registry],
  });

  readonly circuitsOpened = new Counter({
    name: 'hookline_circuits_opened_total',
    help: 'Times a webhook circuit opened (again) after timeouts or connection failures in a row',
    registers: [this.registry],
  });

  readonly httpRequests = new Counter({
    name: 'hookline_http_requests_total',
    help: 'API requests by status class',
    labelNames: ['status'] as const,
    registers: [this.registry],
  });

  constructor() {
    collectDefaultMetrics({ register: this.registry, prefix: 'hookline_process_' });
  }

  gauge(name: string, help: string, labelNames: string[], collect: (g: Gauge<string>) => Promise<void>): void {
    if (this.registry.getSingleMetric(name)) return;
    new Gauge({
      name,
      help,
      labelNames,
      registers: [this.registry],
      async collect() {
        await collect(this);
      },
    });
  }

  async render(): Promise<{ contentType: string; body: string }> {
    return { contentType: this.registry.contentType, body: await this.registry.metrics() };
  }
}
