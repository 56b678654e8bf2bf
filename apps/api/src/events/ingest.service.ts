import { Inject, Injectable, Logger } from '@nestjs/common';
import { Counter } from 'prom-client';
import { FieldError, MetricsService, ValidationFailed } from '@hookline/common';
import { ConfigService } from '@hookline/config';
import { EventsRepository, WebhooksRepository } from '@hookline/db';
import { ValidEvent, matchEvents, validateEvent } from '@hookline/events';
import { DELIVERY_BATCH, DeliveryQueue } from '@hookline/queue';
import { inputProblems } from '../common/input-problems';
import { INGEST_FAULTS, IngestFaults } from './ingest-faults';
import { IngestGate } from './ingest-gate';

export const MAX_BATCH = 500;

export interface IngestResult {
  eventId: string;
  matchedWebhooks: number;
}

/**
 * Event ingestion (SPEC §4). The events and their deliveries are committed in
 * one statement before the caller hears 202; jobs are enqueued after the
 * commit, and anything that misses Redis is the sweeper's. `event_id` is the
 * idempotency key per organization: a repeat, even a concurrent one, returns
 * the original result and creates nothing.
 */
@Injectable()
export class IngestService {
  private readonly logger = new Logger(IngestService.name);
  private readonly gate: IngestGate;

  constructor(
    private readonly webhooks: WebhooksRepository,
    private readonly events: EventsRepository,
    private readonly queue: DeliveryQueue,
    @Inject(INGEST_FAULTS) private readonly faults: IngestFaults,
    config: ConfigService,
    metrics: MetricsService,
  ) {
    // The API's own counter, on its registry only: the worker's /metrics has no ingestion to count.
    const waits = new Counter({
      name: 'hookline_ingest_waits_total',
      help: "Publish requests that waited for their organization's turn while other organizations published (fair ingestion)",
      registers: [metrics.registry],
    });
    this.gate = new IngestGate(config.get('ingestOrgMaxEvents'), () => waits.inc());
  }

  /** Validates a single event or `{events: [...]}`; every bad field of every event is reported. */
  parse(body: unknown): { batch: boolean; events: ValidEvent[] } {
    const bad = inputProblems(body);
    if (bad.length) throw new ValidationFailed(bad);
    const isBatch = !!body && typeof body === 'object' && !Array.isArray(body) && 'events' in (body as object);
    if (!isBatch) {
      const { event, errors } = validateEvent(body);
      if (!event) throw new ValidationFailed(errors);
      return { batch: false, events: [event] };
    }
    const { events, ...rest } = body as { events: unknown };
    const extra = Object.keys(rest);
    if (extra.length) throw new ValidationFailed(extra.map((k) => ({ field: k, message: `unknown field "${k}" next to events` })));
    if (!Array.isArray(events) || events.length < 1 || events.length > MAX_BATCH) {
      throw ValidationFailed.field('events', `events must be an array of 1 to ${MAX_BATCH} events`);
    }
    const now = new Date();
    const errors: FieldError[] = [];
    const valid: ValidEvent[] = [];
    events.forEach((raw, i) => {
      const r = validateEvent(raw, `events[${i}].`, now);
      if (r.event) valid.push(r.event);
      errors.push(...r.errors);
    });
    if (errors.length) throw new ValidationFailed(errors);
    return { batch: true, events: valid };
  }

  /** Match, persist and enqueue, in turn with the organization's other requests while others publish too (IngestGate). */
  ingest(organizationId: number, events: ValidEvent[]): Promise<IngestResult[]> {
    return this.gate.run(organizationId, events.length, () => this.ingestNow(organizationId, events));
  }

  /** Match (which webhooks want each event), persist (events and deliveries, one commit), enqueue. */
  private async ingestNow(organizationId: number, events: ValidEvent[]): Promise<IngestResult[]> {
    const t0 = Date.now();
    const msSince: Record<string, number> = {};
    const mark = (step: string) => (msSince[step] = Date.now() - t0);
    const candidates = await this.webhooks.candidates(organizationId, [...new Set(events.map((e) => e.spec.triggerType))]);
    const matched = matchEvents(events, candidates);
    mark('match');
    const toStore = matched.map(({ event: e, webhookIds }) => ({ eventId: e.eventId, eventType: e.spec.eventType, payload: e.payload, occurredAt: e.occurredAt, webhookIds }));
    const tags = this.reserveTags(organizationId, matched);
    const { deliveries, matchedWebhooks } = await this.events.store(organizationId, toStore, DELIVERY_BATCH);
    mark('commit');
    this.faults.afterCommit();
    await this.enqueue(organizationId, deliveries, tags);
    mark('enqueue');
    const line = { msg: 'events accepted', organizationId, events: events.length, deliveries: deliveries.length, msSince };
    if (Date.now() - t0 > 1000) this.logger.warn({ ...line, msg: 'slow ingest' });
    else this.logger.log(line);
    // Repeats answer what the first request answered.
    return events.map((e) => ({ eventId: e.eventId, matchedWebhooks: matchedWebhooks.get(e.eventId)! }));
  }

  /**
   * The deliveries' places in the fair order, reserved while the commit is
   * under way rather than after it: one round trip fewer before the 202.
   * Null when nothing matched.
   */
  private reserveTags(organizationId: number, matched: { webhookIds: number[] }[]): Promise<number> | null {
    const n = matched.reduce((sum, m) => sum + m.webhookIds.length, 0);
    if (!n || !this.faults.enqueue) return null;
    const tags = this.queue.reserveFirstAttempts(organizationId, n);
    // enqueue() handles its failure; if the commit fails first, nothing awaits it.
    tags.catch(() => undefined);
    return tags;
  }

  /** After the commit. A failure here loses nothing: the sweeper enqueues committed deliveries. */
  private async enqueue(organizationId: number, deliveries: { id: string; batchId: string }[], tags: Promise<number> | null): Promise<void> {
    if (!deliveries.length || !tags) return;
    try {
      await withTimeout(this.queue.enqueueFirstAttempts(deliveries, tags), 3000);
    } catch (err) {
      this.logger.warn({ msg: 'enqueue failed after commit; the sweeper will deliver', deliveries: deliveries.length, error: (err as Error).message });
    }
  }
}

function withTimeout<T>(p: Promise<T>, ms: number): Promise<T> {
  return Promise.race([p, new Promise<never>((_, reject) => setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms).unref())]);
}
