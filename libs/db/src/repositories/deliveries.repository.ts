import { Injectable } from '@nestjs/common';
import { Queryable } from '../queryable';
import { SqlPool } from '../sql-pool';
import type { ClaimedDelivery, DeliveryMove, HeldAttempt, HeldBack, OverdueDelivery } from './delivery.types';

const ids = (xs: { deliveryId: bigint }[]) => xs.map((x) => String(x.deliveryId));

/**
 * The `delivery` table as the dispatch pipeline moves it: set-based statements
 * over arrays, one per batch. `d.id = ANY($1)` next to the join on unnest makes
 * the planner fetch rows by primary key (it cannot estimate unnest's row count).
 * The delivery log the API shows is DeliveryLogRepository's.
 */
@Injectable()
export class DeliveriesRepository {
  constructor(private readonly sql: SqlPool) {}

  /**
   * The INSERT of accepted events' deliveries, as the part of a statement
   * that EventsRepository runs (ingestion in one round trip). `source` is a
   * relation (event_row_id, webhook_id, event_type, ord) numbered 1… in
   * matching order; `org` and `batchSize` are its placeholders. Each id is
   * drawn first, so its batch is named on its row by the batch's first id:
   * the job id the sweeper looks for. Returns (id, batch_id).
   */
  static insertForEvents(source: string, org: string, batchSize: string): string {
    return `INSERT INTO delivery (id, organization_id, webhook_id, event_row_id, event_type, batch_id)
      SELECT t.id, ${org}, t.webhook_id, t.event_row_id, t.event_type, min(t.id) OVER (PARTITION BY (t.ord - 1) / ${batchSize})
      FROM (SELECT nextval('delivery_id_seq') AS id, s.* FROM ${source} s) t
      RETURNING id, batch_id`;
  }

  /**
   * Leases every attempt n that is due and unclaimed (attempt n - 1 recorded, no
   * live lease), and returns what sending needs. Asynchronous commit: a claim
   * lost in a crash only allows a duplicate send.
   */
  async claim(attempts: { deliveryId: bigint; attempt: number }[], leaseSeconds: number): Promise<ClaimedDelivery[]> {
    const { rows } = await this.sql.queryRelaxed<ClaimedDelivery>(
      `WITH v AS (SELECT * FROM unnest($1::bigint[], $2::int[]) AS t(id, att)),
       claimed AS (
         UPDATE delivery d SET claim_expires_at = now() + make_interval(secs => $3)
         FROM v
         WHERE d.id = ANY($1::bigint[]) AND d.id = v.id AND d.status = 'PENDING' AND d.attempt_count = v.att - 1
           AND (d.claim_expires_at IS NULL OR d.claim_expires_at < now())
         RETURNING d.id, v.att, d.webhook_id, d.event_row_id, d.organization_id, d.claim_expires_at, d.held_reason, d.next_attempt_at
       )
       SELECT c.id, c.att, c.webhook_id, c.organization_id, c.claim_expires_at AS lease, (w.status = 'ENABLED' AND w.deleted_at IS NULL) AS active, (extract(epoch FROM w.updated_at) * 1000)::bigint AS version, e.payload,
              c.held_reason, c.next_attempt_at AS due, w.circuit_open_until AS open_until, w.circuit_probe_at AS probe_at
       FROM claimed c JOIN webhook w ON w.id = c.webhook_id JOIN event e ON e.id = c.event_row_id`,
      [ids(attempts), attempts.map((a) => a.attempt), leaseSeconds],
    );
    return rows;
  }

  /** Extends the leases still held as presented; returns the renewed ones with their new value. */
  async renewLeases(held: HeldAttempt[], leaseSeconds: number): Promise<{ id: string; att: number; lease: Date }[]> {
    const { rows } = await this.sql.query<{ id: string; att: number; lease: Date }>(
      `UPDATE delivery d SET claim_expires_at = now() + make_interval(secs => $4)
       FROM unnest($1::bigint[], $2::int[], $3::timestamptz[]) AS v(id, att, lease)
       WHERE d.id = ANY($1::bigint[]) AND d.id = v.id AND d.status = 'PENDING' AND d.attempt_count = v.att - 1 AND d.claim_expires_at = v.lease
       RETURNING d.id, v.att, d.claim_expires_at AS lease`,
      [ids(held), held.map((h) => h.attempt), held.map((h) => h.lease.toISOString()), leaseSeconds],
    );
    return rows;
  }

  /**
   * The one rule for cancelling: the queued deliveries of webhooks that are not
   * ENABLED (or are deleted) end CANCELLED, unsent. Attempts another worker is
   * sending right now (a live lease) finish and are recorded; `held` names
   * deliveries whose lease the caller holds itself; `tx`, the transaction to run in. The webhook's state is read
   * here, so the statement is right whenever it runs: after a disable, a delete,
   * or a claim that found the webhook inactive — and a no-op if it was
   * re-enabled in between.
   */
  async cancelPending(webhookIds: number[], { held = [], tx = this.sql }: { held?: bigint[]; tx?: Queryable } = {}): Promise<number> {
    const { rowCount } = await tx.query(
      `UPDATE delivery d SET status = 'CANCELLED', completed_at = now(), claim_expires_at = NULL
       FROM webhook w
       WHERE w.id = ANY($1::int[]) AND (w.status <> 'ENABLED' OR w.deleted_at IS NOT NULL)
         AND d.webhook_id = w.id AND d.status = 'PENDING'
         AND (d.claim_expires_at IS NULL OR d.claim_expires_at < now() OR d.id = ANY($2::bigint[]))`,
      [webhookIds, held.map(String)],
    );
    return rowCount ?? 0;
  }

  /** PENDING deliveries due before `cutoff` with no live lease, in due order, after the keyset `after`. */
  async overdue(cutoff: Date, after: OverdueDelivery | null, limit: number): Promise<OverdueDelivery[]> {
    // 'PENDING' as a literal: the planner must see it to use the partial index of pending deliveries.
    const { rows } = await this.sql.query<OverdueDelivery>(
      `SELECT id, organization_id, attempt_count, batch_id, next_attempt_at, claim_expires_at FROM delivery
       WHERE status = 'PENDING' AND next_attempt_at < $1 AND (claim_expires_at IS NULL OR claim_expires_at < now())
         AND ($2::timestamptz IS NULL OR (next_attempt_at, id) > ($2, $3::bigint))
       ORDER BY next_attempt_at, id
       LIMIT $4`,
      [cutoff, after?.next_attempt_at ?? null, after?.id ?? null, limit],
    );
    return rows;
  }

  /**
   * Of the attempts presented, the deliveries still this worker's (attempt not
   * recorded, lease not taken over), locked until the transaction ends so no
   * other worker claims them in between.
   */
  async lockHeld(tx: Queryable, held: HeldAttempt[]): Promise<Set<string>> {
    const { rows } = await tx.query<{ id: string }>(
      `SELECT d.id FROM delivery d JOIN unnest($1::bigint[], $2::int[], $3::timestamptz[]) AS v(id, att, lease) ON v.id = d.id
       WHERE d.id = ANY($1::bigint[]) AND d.attempt_count = v.att - 1 AND d.claim_expires_at = v.lease
       FOR NO KEY UPDATE OF d`,
      [ids(held), held.map((h) => h.attempt), held.map((h) => h.lease.toISOString())],
    );
    return new Set(rows.map((r) => r.id));
  }

  /**
   * Lets go of claims a worker took and will not use, each only while still as
   * presented: the attempt goes back to the queue unsent, and its row says why
   * and when it is to be tried (the delivery log shows it; the sweeper waits for it).
   */
  async holdBack(held: HeldBack[]): Promise<void> {
    await this.sql.query(
      `UPDATE delivery d SET claim_expires_at = NULL, held_reason = v.reason::"HeldReason", next_attempt_at = v.until
       FROM unnest($1::bigint[], $2::int[], $3::timestamptz[], $4::text[], $5::timestamptz[]) AS v(id, att, lease, reason, until)
       WHERE d.id = ANY($1::bigint[]) AND d.id = v.id AND d.attempt_count = v.att - 1 AND d.claim_expires_at = v.lease`,
      [ids(held), held.map((h) => h.attempt), held.map((h) => h.lease.toISOString()), held.map((h) => h.reason), held.map((h) => h.until.toISOString())],
    );
  }

  /** Moves each delivery past its recorded attempt; returns how many moved (all of them, under lockHeld's locks). */
  async moveOn(tx: Queryable, moves: DeliveryMove[]): Promise<number> {
    if (!moves.length) return 0;
    const { rowCount } = await tx.query(
      `UPDATE delivery d
       SET attempt_count = v.att, status = v.status::"DeliveryStatus",
           next_attempt_at = COALESCE(v.next_at, d.next_attempt_at),
           claim_expires_at = NULL, held_reason = NULL,
           completed_at = CASE WHEN v.status = 'PENDING' THEN NULL ELSE now() END
       FROM unnest($1::bigint[], $2::int[], $3::text[], $4::timestamptz[]) AS v(id, att, status, next_at)
       WHERE d.id = ANY($1::bigint[]) AND d.id = v.id AND d.attempt_count = v.att - 1`,
      [ids(moves), moves.map((m) => m.attempt), moves.map((m) => m.status), moves.map((m) => m.nextAttemptAt)],
    );
    return rowCount ?? 0;
  }
}
