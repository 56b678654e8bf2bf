import { Injectable } from '@nestjs/common';
import { PrismaService } from '../prisma.service';
import { SqlPool } from '../sql-pool';
import { DeliveriesRepository } from './deliveries.repository';

/** An event to store, with the webhooks it goes to. */
export interface EventToStore {
  eventId: string;
  eventType: string;
  payload: Record<string, unknown>;
  occurredAt: Date;
  webhookIds: number[];
}

export interface StoredEvents {
  /** The deliveries created, each with the batch it travels in. */
  deliveries: { id: string; batchId: string }[];
  /** Per event_id, the webhooks it matched: now, or when it was first accepted (a repeat). */
  matchedWebhooks: Map<string, number>;
}

/** Accepted events (SPEC §4); `event_id` is the idempotency key per organization. */
@Injectable()
export class EventsRepository {
  constructor(
    private readonly sql: SqlPool,
    private readonly prisma: PrismaService,
  ) {}

  /**
   * Stores the events and their deliveries in one statement (so one commit
   * and one round trip: under CPU contention each round trip waits for two
   * processes to be scheduled). An event_id the organization already has
   * creates nothing, even when a concurrent request stores it at the same
   * moment: ON CONFLICT waits for that commit, then the original is read.
   */
  async store(organizationId: number, events: EventToStore[], deliveryBatch: number): Promise<StoredEvents> {
    const wanted = events.flatMap((e) => e.webhookIds.map((webhookId) => ({ eventId: e.eventId, webhookId })));
    const { rows } = await this.sql.query<{ kind: 'event' | 'delivery'; id: string; ref: string }>(
      `WITH e AS (
         INSERT INTO event (organization_id, event_id, event_type, payload, occurred_at, matched_webhooks)
         SELECT $1, t.event_id, t.event_type, t.payload, t.occurred_at, t.matched
         FROM unnest($2::uuid[], $3::text[], $4::jsonb[], $5::timestamptz[], $6::int[]) AS t(event_id, event_type, payload, occurred_at, matched)
         ON CONFLICT (organization_id, event_id) DO NOTHING
         RETURNING id, event_id, event_type),
       d AS (${DeliveriesRepository.insertForEvents(
         `(SELECT e.id AS event_row_id, w.webhook_id, e.event_type, row_number() OVER (ORDER BY w.ord) AS ord
           FROM unnest($7::uuid[], $8::int[]) WITH ORDINALITY AS w(event_id, webhook_id, ord)
           JOIN e ON e.event_id = w.event_id)`,
         '$1',
         '$9',
       )})
       SELECT 'event' AS kind, id::text AS id, event_id::text AS ref FROM e
       UNION ALL SELECT 'delivery', id::text, batch_id::text FROM d`,
      [
        organizationId,
        events.map((e) => e.eventId),
        events.map((e) => e.eventType),
        events.map((e) => JSON.stringify(e.payload)),
        events.map((e) => e.occurredAt),
        events.map((e) => e.webhookIds.length),
        wanted.map((w) => w.eventId),
        wanted.map((w) => w.webhookId),
        deliveryBatch,
      ],
    );
    const stored = new Set(rows.filter((r) => r.kind === 'event').map((r) => r.ref));
    const deliveries = rows.filter((r) => r.kind === 'delivery').map((r) => ({ id: r.id, batchId: r.ref }));
    return { deliveries, matchedWebhooks: await this.matched(organizationId, events, stored) };
  }

  /** Per event_id, the webhooks it matched: now, or for a repeat, when it was first accepted. */
  private async matched(organizationId: number, events: EventToStore[], stored: Set<string>): Promise<Map<string, number>> {
    const matchedWebhooks = new Map(events.map((e) => [e.eventId, e.webhookIds.length]));
    const repeats = events.filter((e) => !stored.has(e.eventId)).map((e) => e.eventId);
    if (!repeats.length) return matchedWebhooks;
    const { rows } = await this.sql.query<{ event_id: string; matched_webhooks: number }>(
      `SELECT event_id::text AS event_id, matched_webhooks FROM event WHERE organization_id = $1 AND event_id = ANY($2::uuid[])`,
      [organizationId, repeats],
    );
    for (const r of rows) matchedWebhooks.set(r.event_id, r.matched_webhooks);
    return matchedWebhooks;
  }

  /** Deletes up to `limit` events older than `cutoff` with no pending delivery; their deliveries and attempts go with them (ON DELETE CASCADE). */
  pruneBefore(cutoff: Date, limit: number): Promise<number> {
    return this.prisma.$executeRaw`
      DELETE FROM event WHERE id IN (
        SELECT e.id FROM event e
        WHERE e.created_at < ${cutoff}
          AND NOT EXISTS (SELECT 1 FROM delivery d WHERE d.event_row_id = e.id AND d.status = 'PENDING')
        LIMIT ${limit})`;
  }
}
