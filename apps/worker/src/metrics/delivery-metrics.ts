import { Injectable } from '@nestjs/common';
import { Counter, Histogram } from 'prom-client';
import { MetricsService } from '@hookline/common';

/** The worker's delivery metrics, on its process registry: only the worker moves them, so only its /metrics shows them. */
@Injectable()
export class DeliveryMetrics {
  readonly deliveries: Counter<'outcome'>;
  readonly attemptDuration: Histogram<'result'>;
  readonly batchSize: Histogram<'kind'>;
  readonly heldBack: Counter<'reason'>;
  readonly circuitsOpened: Counter;

  constructor(metrics: MetricsService) {
    const registers = [metrics.registry];
    this.deliveries = new Counter({
      name: 'hookline_deliveries_total',
      help: 'Deliveries that reached an outcome: succeeded, failed, retrying, cancelled',
      labelNames: ['outcome'],
      registers,
    });
    this.attemptDuration = new Histogram({
      name: 'hookline_attempt_duration_seconds',
      help: 'Duration of delivery attempts, by result (success, failure)',
      labelNames: ['result'],
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 15, 30],
      registers,
    });
    this.batchSize = new Histogram({
      name: 'hookline_batch_size',
      help: 'Items per database batch in the worker (claim, record)',
      labelNames: ['kind'],
      buckets: [1, 2, 5, 10, 20, 50, 100, 200, 500],
      registers,
    });
    this.heldBack = new Counter({
      name: 'hookline_attempts_held_back_total',
      help: 'Claimed attempts put back unsent and uncounted, by reason: circuit_open, rate_limited, concurrency_limit',
      labelNames: ['reason'],
      registers,
    });
    this.circuitsOpened = new Counter({
      name: 'hookline_circuits_opened_total',
      help: 'Times a webhook circuit opened (again) after timeouts or connection failures in a row',
      registers,
    });
  }
}
