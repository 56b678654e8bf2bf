import { Injectable, Logger } from '@nestjs/common';
import { ConfigService } from '@hookline/config';
import { FieldError, ValidationFailed } from '@hookline/common';
import { SqlPool } from '@hookline/db';
import { ValidEvent, validateEvent } from '@hookline/events';
import { DELIVERY_BATCH, DeliveryQueue } from '@hookline/queue';
import { inputProblems } from '../common/input-problems';

export const MAX_BATCH = 500;

export interface IngestResult {
  eventId: string;
  matchedWebhooks: number;
}

interface Candidate {
  id: number;
  triggerType: string;
  dataTrigger: { datastreamId?: number; eventCode?: string; deviceId?: string } | null;
}

/** Whether a data-trigger webhook wants this event (SPEC §4); catalog triggers match on type alone. */
function matches(w: Candidate, e: ValidEvent): boolean {
  if (!e.spec.dataTrigger) return true;
  const dt = w.dataTrigger;
  if (!dt) return false;
  const p = e.payload;
  if (dt.deviceId && String(p.device_id).toLowerCase() !== dt.deviceId.toLowerCase()) return false;
  return e.spec.dataTrigger === 'datastream' ? p.datastream_id === dt.datastreamId : p.event_code === dt.eventCode;
}

/**
 * Event ingestion (SPEC §4). The events and their deliveries are committed in
 * one transaction before the caller hears 202; jobs are enqueued after the
 * commit, and anything that misses Redis is the sweeper's. `event_id` is the
 * idempotency key per organization: a repeat, even a concurrent one, returns
 * the original result and creates nothing.
 */
@Injectable()
export class IngestService {
  private readonly logger = new Logger(IngestService.name);
  private readonly skipEnqueue: boolean;
  private readonly crashAfterCommit: boolean;

  constructor(
    private readonly sql: SqlPool,
    private readonly queue: DeliveryQueue,
    config: ConfigService,
  ) {
    // Fault injection for the "crash between commit and enqueue" tests; honoured only under NODE_ENV=test.
    this.skipEnqueue = config.get('nodeEnv') === 'test' && config.get('testSkipEnqueue');
    this.crashAfterCommit = config.get('nodeEnv') === 'test' && config.get('testCrashAfterCommit');
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

  async ingest(organizationId: number, events: ValidEvent[]): Promise<IngestResult[]> {
    const created: { id: string; batchId: string }[] = [];
    const t0 = Date.now();
    const steps: Record<string, number> = {};
    const mark = (step: string) => (steps[step] = Date.now() - t0);
    // node-postgres rather than Prisma: three set-based statements carry the whole batch.
    const results = await this.sql.transaction(async (tx) => {
      const types = [...new Set(events.map((e) => e.spec.triggerType))];
      const { rows: candidates } = await tx.query<{ id: number; trigger_type: string; data_trigger: Candidate['dataTrigger'] }>(
        `SELECT id, trigger_type, data_trigger FROM webhook
         WHERE organization_id = $1 AND trigger_type = ANY($2::text[]) AND status = 'ENABLED' AND deleted_at IS NULL`,
        [organizationId, types],
      );
      mark('match');
      const byType = new Map<string, Candidate[]>();
      for (const c of candidates) {
        const list = byType.get(c.trigger_type) ?? [];
        list.push({ id: c.id, triggerType: c.trigger_type, dataTrigger: c.data_trigger });
        byType.set(c.trigger_type, list);
      }

      // First occurrence wins within a batch; later ones are repeats.
      const firstById = new Map<string, ValidEvent>();
      for (const e of events) if (!firstById.has(e.eventId)) firstById.set(e.eventId, e);
      const toInsert = [...firstById.values()];
      const matchedOf = new Map(toInsert.map((e) => [e.eventId, (byType.get(e.spec.triggerType) ?? []).filter((w) => matches(w, e))]));

      const { rows: inserted } = await tx.query<{ id: string; event_id: string }>(
        `INSERT INTO event (organization_id, event_id, event_type, payload, occurred_at, matched_webhooks)
         SELECT $1, t.event_id, t.event_type, t.payload, t.occurred_at, t.matched
         FROM unnest($2::uuid[], $3::text[], $4::jsonb[], $5::timestamptz[], $6::int[]) AS t(event_id, event_type, payload, occurred_at, matched)
         ON CONFLICT (organization_id, event_id) DO NOTHING
         RETURNING id, event_id::text AS event_id`,
        [
          organizationId,
          toInsert.map((e) => e.eventId),
          toInsert.map((e) => e.spec.eventType),
          toInsert.map((e) => JSON.stringify(e.payload)),
          toInsert.map((e) => e.occurredAt),
          toInsert.map((e) => matchedOf.get(e.eventId)!.length),
        ],
      );

      mark('events');
      const rowOf = new Map(inserted.map((r) => [r.event_id, r.id]));
      const dWebhook: number[] = [];
      const dEvent: string[] = [];
      const dType: string[] = [];
      for (const e of toInsert) {
        const rowId = rowOf.get(e.eventId);
        if (rowId === undefined) continue;
        for (const w of matchedOf.get(e.eventId)!) {
          dWebhook.push(w.id);
          dEvent.push(rowId);
          dType.push(e.spec.eventType);
        }
      }
      if (dWebhook.length) {
        // Each delivery's id is drawn first, so its batch (of DELIVERY_BATCH, in matching order) can be
        // named on its row by the batch's first id: the job id the sweeper looks for.
        const { rows: ids } = await tx.query<{ id: string; batch_id: string }>(
          `INSERT INTO delivery (id, organization_id, webhook_id, event_row_id, event_type, batch_id)
           SELECT t.id, $1, t.w, t.e, t.ty, min(t.id) OVER (PARTITION BY (t.ord - 1) / $5)
           FROM (SELECT nextval('delivery_id_seq') AS id, u.* FROM unnest($2::int[], $3::bigint[], $4::text[]) WITH ORDINALITY AS u(w, e, ty, ord)) t
           RETURNING id, batch_id`,
          [organizationId, dWebhook, dEvent, dType, DELIVERY_BATCH],
        );
        created.push(...ids.map((r) => ({ id: r.id, batchId: r.batch_id })));
      }
      mark('deliveries');

      // Repeats answer what the first request answered.
      const repeats = toInsert.filter((e) => !rowOf.has(e.eventId)).map((e) => e.eventId);
      const original = new Map<string, number>();
      if (repeats.length) {
        const { rows } = await tx.query<{ event_id: string; matched_webhooks: number }>(
          `SELECT event_id::text AS event_id, matched_webhooks FROM event WHERE organization_id = $1 AND event_id = ANY($2::uuid[])`,
          [organizationId, repeats],
        );
        for (const r of rows) original.set(r.event_id, r.matched_webhooks);
      }
      return events.map((e) => ({ eventId: e.eventId, matchedWebhooks: original.get(e.eventId) ?? matchedOf.get(e.eventId)!.length }));
    });

    if (this.crashAfterCommit) {
      // Chaos tests: the process dies between the commit and the enqueue.
      process.stderr.write('test fault: crashing after commit\n');
      process.exit(137);
    }
    mark('commit');
    await this.enqueue(created);
    mark('enqueue');
    const line = { msg: 'events accepted', organizationId, events: events.length, deliveries: created.length, msSince: steps };
    if (Date.now() - t0 > 1000) this.logger.warn({ ...line, msg: 'slow ingest' });
    else this.logger.log(line);
    return results;
  }

  /** After the commit. A failure here loses nothing: the sweeper enqueues committed deliveries. */
  private async enqueue(deliveries: { id: string; batchId: string }[]): Promise<void> {
    if (!deliveries.length || this.skipEnqueue) return;
    try {
      await withTimeout(this.queue.enqueueFirstAttempts(deliveries), 3000);
    } catch (err) {
      this.logger.warn({ msg: 'enqueue failed after commit; the sweeper will deliver', deliveries: deliveries.length, error: (err as Error).message });
    }
  }
}

function withTimeout<T>(p: Promise<T>, ms: number): Promise<T> {
  return Promise.race([p, new Promise<never>((_, reject) => setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms).unref())]);
}
