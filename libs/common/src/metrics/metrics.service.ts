import { Injectable } from '@nestjs/common';
import { Gauge, Registry, collectDefaultMetrics } from 'prom-client';

/**
 * Prometheus metrics (SPEC §6), one registry per process, with Node's standard
 * process metrics (`process_cpu_seconds_total`, `nodejs_heap_size_used_bytes`,
 * under their usual names). Each app registers its own metrics here (the
 * worker's DeliveryMetrics, the API's request and ingest counters), so a
 * process never shows a metric it cannot move. Gauges that need a query (queue
 * depth, disabled webhooks) get their collector from the app that owns the
 * data source.
 */
@Injectable()
export class MetricsService {
  readonly registry = new Registry();

  constructor() {
    collectDefaultMetrics({ register: this.registry });
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
