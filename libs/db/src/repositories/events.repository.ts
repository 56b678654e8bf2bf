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
    private readonly deliveries: DeliveriesRepository,
  ) {}

  /**
   * Stores the events and their deliveries in one transaction, three
   * set-based statements for the whole batch (node-postgres rather than
   * Prisma). An event_id the organization already has creates nothing, even
   * when a concurrent request stores it at the same moment.
   */
  async store(organizationId: number, events: EventToStore[], deliveryBatch: number): Promise<StoredEvents> {
    return this.sql.transaction(async (tx) => {
      const { rows: inserted } = await tx.query<{ id: string; event_id: string }>(
        `INSERT INTO event (organization_id, event_id, event_type, payload, occurred_at, matched_webhooks)
         SELECT $1, t.event_id, t.event_type, t.payload, t.occurred_at, t.matched
         FROM unnest($2::uuid[], $3::text[], $4::jsonb[], $5::timestamptz[], $6::int[]) AS t(event_id, event_type, payload, occurred_at, matched)
         ON CONFLICT (organization_id, event_id) DO NOTHING
         RETURNING id, event_id::text AS event_id`,
        [
          organizationId,
          events.map((e) => e.eventId),
          events.map((e) => e.eventType),
          events.map((e) => JSON.stringify(e.payload)),
          events.map((e) => e.occurredAt),
          events.map((e) => e.webhookIds.length),
        ],
      );
      const rowOf = new Map(inserted.map((r) => [r.event_id, r.id]));
      const stored = events.filter((e) => rowOf.has(e.eventId));
      const rows = stored.flatMap((e) => e.webhookIds.map((webhookId) => ({ webhookId, eventRowId: rowOf.get(e.eventId)!, eventType: e.eventType })));
      const deliveries = await this.deliveries.insertForEvents(tx, organizationId, rows, deliveryBatch);

      const matchedWebhooks = new Map(events.map((e) => [e.eventId, e.webhookIds.length]));
      const repeats = events.filter((e) => !rowOf.has(e.eventId)).map((e) => e.eventId);
      if (repeats.length) {
        const { rows: originals } = await tx.query<{ event_id: string; matched_webhooks: number }>(
          `SELECT event_id::text AS event_id, matched_webhooks FROM event WHERE organization_id = $1 AND event_id = ANY($2::uuid[])`,
          [organizationId, repeats],
        );
        for (const r of originals) matchedWebhooks.set(r.event_id, r.matched_webhooks);
      }
      return { deliveries, matchedWebhooks };
    });
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
