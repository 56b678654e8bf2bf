import { Injectable } from '@nestjs/common';
import { MetricsService, MicroBatcher, redactUrl } from '@hookline/common';
import type { PoolClient } from 'pg';
import { SqlPool } from '@hookline/db';
import { AttemptResult } from '@hookline/delivery';

export interface RecordInput {
  deliveryId: bigint;
  webhookId: number;
  attempt: number;
  /** The lease held on this attempt, as stored: the record is refused if another worker has taken the attempt over. */
  lease: Date;
  result: AttemptResult;
  /** Delay before the next attempt, or null when this attempt ends the delivery. */
  retryDelayMs: number | null;
}

export interface RecordOutcome {
  /** False when this attempt had already been recorded (a duplicate job) or its lease was taken over: nothing changed. */
  recorded: boolean;
  status: 'SUCCEEDED' | 'FAILED' | 'PENDING';
  /** This batch disabled the webhook; set on the attempt that tipped it. */
  disabledWebhook: boolean;
  notificationIds: bigint[];
  cancelledDeliveries: number;
}

interface WebhookTotals {
  id: number;
  total: number;
  fails: number;
  hadSuccess: boolean;
  /** Failures after the batch's last success: the new count when there was one. */
  tailFails: number;
  lastAt: Date;
  gone: boolean;
  /** Index (in the batch) of the last failed attempt: it carries the disable. */
  lastFailure: number;
}

type InsertedAttempt = { delivery_id: string; number: number };

/** The attempt rows of a batch as column arrays, in the attempt table's order (error aside). */
function attemptColumns(items: RecordInput[]): unknown[][] {
  const r = items.map((i) => i.result);
  return [
    items.map((i) => String(i.deliveryId)),
    items.map((i) => i.attempt),
    // ISO text: node-postgres formats Date objects in JavaScript, element by element.
    r.map((x) => x.startedAt.toISOString()),
    r.map((x) => x.requestMethod),
    r.map((x) => x.requestUrl.slice(0, 4096)),
    r.map((x) => x.responseStatus),
    r.map((x) => x.durationMs),
    r.map((x) => (x.responseBody === null ? null : x.responseBody.replace(/\u0000/g, ''))),
  ];
}

/** The webhooks of a batch in id order, the order both record paths lock them in (no deadlock between workers). */
const lockOrder = (items: RecordInput[]) => [...new Set(items.map((i) => i.webhookId))].sort((a, b) => a - b);

/** The deliveries, attempts and leases of a batch as arrays, for the held-lease check of the transaction path. */
const leaseColumns = (items: RecordInput[]) => [items.map((i) => String(i.deliveryId)), items.map((i) => i.attempt), items.map((i) => i.lease.toISOString())];

/** Per item, whether its attempt row was inserted now (false: a duplicate, already recorded). */
function newlyRecorded(items: RecordInput[], inserted: InsertedAttempt[]): boolean[] {
  const fresh = new Set(inserted.map((row) => `${row.delivery_id}:${row.number}`));
  return items.map((i) => fresh.has(`${i.deliveryId}:${i.attempt}`));
}

/**
 * Records attempts and moves every counter (SPEC §5.4), a batch of attempts per
 * transaction so one commit serves many deliveries:
 * 1. the webhooks concerned are locked in id order (no deadlock between workers),
 *    FOR NO KEY UPDATE so that ingestion's foreign-key checks are not blocked;
 * 2. the deliveries whose attempt is still this worker's are locked: not yet
 *    recorded, and the lease presented is still the stored one (another worker
 *    that took the attempt over after the lease ran out owns the record);
 *    attempt rows are inserted for those only, unique per delivery and number:
 *    a duplicate job or a lost lease records nothing;
 * 3. each webhook's counters move in one UPDATE relative to their current values
 *    (total + n; consecutive failures reset by a success or + failures, except
 *    on a webhook already disabled for its failures, which keeps its count);
 * 4. a conditional UPDATE flips ENABLED → DISABLED_DUE_TO_ERRORS where the limit
 *    is reached or a 410 came back; the row lock makes it happen exactly once;
 * 5. the deliveries move on (retry, done or failed), and for each flipped
 *    webhook the failure receivers get a notification and its queued deliveries
 *    are cancelled — all in the same transaction.
 */
@Injectable()
export class AttemptRecorder {
  private readonly batcher: MicroBatcher<RecordInput, RecordOutcome>;

  constructor(
    private readonly sql: SqlPool,
    private readonly metrics: MetricsService,
  ) {
    // Off the sending path (permits are back before recording), so batches may wait
    // longer and grow: fewer statements, fewer commits.
    this.batcher = new MicroBatcher((items) => this.flush(items), 500, 10);
  }

  record(input: RecordInput): Promise<RecordOutcome> {
    return this.batcher.submit(input);
  }

  private flush(items: RecordInput[]): Promise<RecordOutcome[]> {
    this.metrics.batchSize.observe({ kind: 'record' }, items.length);
    // Successes cannot disable a webhook or notify anyone: one statement records them.
    if (items.every((i) => i.result.outcome.ok)) return this.recordSuccesses(items);
    return this.sql.transaction(async (tx) => {
      const webhookIds = lockOrder(items);
      // NO KEY UPDATE: the lock the counter UPDATE takes anyway, which does not block the
      // API's foreign-key checks (KEY SHARE) when it inserts deliveries for these webhooks.
      await tx.query('SELECT id FROM webhook WHERE id = ANY($1::int[]) ORDER BY id FOR NO KEY UPDATE', [webhookIds]);

      // The deliveries whose attempt is still this worker's (not recorded, lease not taken over),
      // locked until the commit so no other worker can claim them in between.
      const { rows: held } = await tx.query<{ id: string }>(
        `SELECT d.id FROM delivery d JOIN unnest($1::bigint[], $2::int[], $3::timestamptz[]) AS v(id, att, lease) ON v.id = d.id
         WHERE d.id = ANY($1::bigint[]) AND d.attempt_count = v.att - 1 AND d.claim_expires_at = v.lease
         FOR NO KEY UPDATE OF d`,
        leaseColumns(items),
      );
      const holding = new Set(held.map((r) => r.id));
      const mine = items.filter((i) => holding.has(String(i.deliveryId)));
      const { rows: inserted } = await tx.query<InsertedAttempt>(
        `INSERT INTO attempt (delivery_id, number, started_at, request_method, request_url, response_status, duration_ms, response_body, error)
         SELECT * FROM unnest($1::bigint[], $2::int[], $3::timestamptz[], $4::text[], $5::text[], $6::int[], $7::int[], $8::text[], $9::text[])
         ON CONFLICT (delivery_id, number) DO NOTHING
         RETURNING delivery_id, number`,
        [...attemptColumns(mine), mine.map((i) => i.result.error)],
      );
      const isNew = newlyRecorded(items, inserted);

      const totals = this.totals(items, isNew);
      if (totals.length) {
        await tx.query(
          `UPDATE webhook w
           SET total_attempts = w.total_attempts + a.total,
               last_triggered_at = GREATEST(COALESCE(w.last_triggered_at, a.last_at), a.last_at),
               -- A webhook disabled for its failures keeps the count that disabled it: attempts that were
               -- in flight at the time, succeeding or failing late, do not move it.
               consecutive_failures = CASE WHEN w.status = 'DISABLED_DUE_TO_ERRORS' THEN w.consecutive_failures
                                           WHEN a.had_success THEN a.tail_fails ELSE w.consecutive_failures + a.fails END
           FROM unnest($1::int[], $2::int[], $3::int[], $4::boolean[], $5::int[], $6::timestamptz[]) AS a(id, total, fails, had_success, tail_fails, last_at)
           WHERE w.id = a.id`,
          [totals.map((t) => t.id), totals.map((t) => t.total), totals.map((t) => t.fails), totals.map((t) => t.hadSuccess), totals.map((t) => t.tailFails), totals.map((t) => t.lastAt)],
        );
      }

      const failing = totals.filter((t) => t.fails > 0);
      const flipped = new Map<number, Date>();
      if (failing.length) {
        const { rows } = await tx.query<{ id: number; disabled_at: Date }>(
          `UPDATE webhook SET status = 'DISABLED_DUE_TO_ERRORS', disabled_at = now(), updated_at = now()
           WHERE id = ANY($1::int[]) AND status = 'ENABLED' AND deleted_at IS NULL
             AND (consecutive_failures >= failure_limit OR id = ANY($2::int[]))
           RETURNING id, disabled_at`,
          [failing.map((t) => t.id), failing.filter((t) => t.gone).map((t) => t.id)],
        );
        for (const row of rows) flipped.set(row.id, row.disabled_at);
      }

      const outcomes: RecordOutcome[] = items.map((i, idx) => {
        if (!isNew[idx]) return { recorded: false, status: 'PENDING', disabledWebhook: false, notificationIds: [], cancelledDeliveries: 0 };
        const ok = i.result.outcome.ok;
        const retry = !ok && i.retryDelayMs !== null && !flipped.has(i.webhookId);
        return { recorded: true, status: ok ? 'SUCCEEDED' : retry ? 'PENDING' : 'FAILED', disabledWebhook: false, notificationIds: [], cancelledDeliveries: 0 };
      });

      const moving = items.map((i, idx) => ({ i, o: outcomes[idx] })).filter((x) => x.o.recorded);
      if (moving.length) {
        const now = Date.now();
        const { rowCount: moved } = await tx.query(
          `UPDATE delivery d
           SET attempt_count = v.att, status = v.status::"DeliveryStatus",
               next_attempt_at = COALESCE(v.next_at, d.next_attempt_at),
               claim_expires_at = NULL,
               completed_at = CASE WHEN v.status = 'PENDING' THEN NULL ELSE now() END
           FROM unnest($1::bigint[], $2::int[], $3::text[], $4::timestamptz[]) AS v(id, att, status, next_at)
           WHERE d.id = ANY($1::bigint[]) AND d.id = v.id AND d.attempt_count = v.att - 1`,
          [
            moving.map((m) => String(m.i.deliveryId)),
            moving.map((m) => m.i.attempt),
            moving.map((m) => m.o.status),
            moving.map((m) => (m.o.status === 'PENDING' ? new Date(now + m.i.retryDelayMs!) : null)),
          ],
        );
        if ((moved ?? 0) !== moving.length) throw new Error(`${moving.length - (moved ?? 0)} deliveries moved on under their recorded attempt`);
      }

      for (const [webhookId, disabledAt] of flipped) {
        const t = totals.find((x) => x.id === webhookId)!;
        const carrier = outcomes[t.lastFailure];
        carrier.disabledWebhook = true;
        carrier.notificationIds = await this.notifyReceivers(tx, webhookId, disabledAt, items[t.lastFailure].result);
        const cancelled = await tx.query(
          `UPDATE delivery SET status = 'CANCELLED', completed_at = now()
           WHERE webhook_id = $1 AND status = 'PENDING' AND (claim_expires_at IS NULL OR claim_expires_at < now())`,
          [webhookId],
        );
        carrier.cancelledDeliveries = cancelled.rowCount ?? 0;
      }
      return outcomes;
    });
  }

  /**
   * A batch of successful attempts in one statement, one round trip instead of
   * six, and the same effects as the transaction below: webhooks locked in id
   * order before anything else; the deliveries whose attempt is still this
   * worker's (not recorded, lease unchanged) move to SUCCEEDED, and only those
   * get their attempt row (unique per delivery and number); counters move
   * relative to their values (total + n; a success resets consecutive
   * failures, unless the webhook was disabled for them). If a delivery moved
   * on without its attempt row being new, hookline_assert fails the statement
   * and nothing of the batch is kept.
   */
  private async recordSuccesses(items: RecordInput[]): Promise<RecordOutcome[]> {
    const { rows } = await this.sql.query<InsertedAttempt>(
      `WITH v AS (
         SELECT * FROM unnest($1::bigint[], $2::int[], $3::timestamptz[], $4::text[], $5::text[], $6::int[], $7::int[], $8::text[], $9::int[], $11::timestamptz[])
           AS t(delivery_id, number, started_at, request_method, request_url, response_status, duration_ms, response_body, webhook_id, lease)
       ),
       locked AS (SELECT id FROM webhook WHERE id = ANY($10::int[]) ORDER BY id FOR NO KEY UPDATE),
       moved AS (
         UPDATE delivery d
         SET attempt_count = v.number, status = 'SUCCEEDED', claim_expires_at = NULL, completed_at = now()
         FROM v
         -- Evaluated once, before the first row: every webhook lock, in order, before any delivery's.
         WHERE (SELECT count(*) FROM locked) >= 0
           AND d.id = ANY($1::bigint[]) AND d.id = v.delivery_id AND d.attempt_count = v.number - 1 AND d.claim_expires_at = v.lease
         RETURNING d.id
       ),
       ins AS (
         INSERT INTO attempt (delivery_id, number, started_at, request_method, request_url, response_status, duration_ms, response_body, error)
         SELECT delivery_id, number, started_at, request_method, request_url, response_status, duration_ms, response_body, NULL FROM v
         WHERE delivery_id IN (SELECT id FROM moved)
         ON CONFLICT (delivery_id, number) DO NOTHING
         RETURNING delivery_id, number
       ),
       counters AS (
         UPDATE webhook w
         SET total_attempts = w.total_attempts + a.n,
             last_triggered_at = GREATEST(COALESCE(w.last_triggered_at, a.last_at), a.last_at),
             consecutive_failures = CASE WHEN w.status = 'DISABLED_DUE_TO_ERRORS' THEN w.consecutive_failures ELSE 0 END
         FROM (SELECT webhook_id, count(*)::int AS n, max(started_at) AS last_at FROM v JOIN ins USING (delivery_id, number) GROUP BY webhook_id) a
         WHERE w.id = a.webhook_id
         RETURNING w.id
       )
       SELECT delivery_id, number FROM ins
       WHERE hookline_assert((SELECT count(*) FROM moved) = (SELECT count(*) FROM ins), 'deliveries moved on without their attempt recorded')`,
      [...attemptColumns(items), items.map((i) => i.webhookId), lockOrder(items), items.map((i) => i.lease.toISOString())],
    );
    return newlyRecorded(items, rows).map((recorded) => ({
      recorded,
      status: recorded ? 'SUCCEEDED' : 'PENDING',
      disabledWebhook: false,
      notificationIds: [],
      cancelledDeliveries: 0,
    }));
  }

  /** Per webhook, in the order the attempts started: what the counters must add up to. */
  private totals(items: RecordInput[], isNew: boolean[]): WebhookTotals[] {
    const order = items.map((_, idx) => idx).filter((idx) => isNew[idx]).sort((a, b) => items[a].result.startedAt.getTime() - items[b].result.startedAt.getTime());
    const by = new Map<number, WebhookTotals>();
    for (const idx of order) {
      const { webhookId, result } = items[idx];
      const t = by.get(webhookId) ?? { id: webhookId, total: 0, fails: 0, hadSuccess: false, tailFails: 0, lastAt: result.startedAt, gone: false, lastFailure: idx };
      t.total++;
      if (result.startedAt > t.lastAt) t.lastAt = result.startedAt;
      if (result.outcome.ok) {
        t.hadSuccess = true;
        t.tailFails = 0;
      } else {
        t.fails++;
        t.tailFails++;
        t.lastFailure = idx;
        if (result.outcome.gone) t.gone = true;
      }
      by.set(webhookId, t);
    }
    return [...by.values()];
  }

  /** One notification per failure receiver per disable (unique index), in the disabling transaction. */
  private async notifyReceivers(tx: PoolClient, webhookId: number, disabledAt: Date, result: AttemptResult): Promise<bigint[]> {
    const { rows } = await tx.query<{ id: number; name: string; organization_id: number; org_name: string; users: number[]; consecutive_failures: number; failure_limit: number }>(
      `SELECT w.id, w.name, w.organization_id, o.name AS org_name, w.failure_notify_user_ids AS users, w.consecutive_failures, w.failure_limit
       FROM webhook w JOIN organization o ON o.id = w.organization_id WHERE w.id = $1`,
      [webhookId],
    );
    const w = rows[0];
    if (!w.users.length) return [];
    const reason = result.outcome.gone
      ? 'the receiver answered 410 Gone'
      : `${w.consecutive_failures} consecutive failed attempts reached its failure limit of ${w.failure_limit}`;
    const last = result.responseStatus !== null ? `HTTP ${result.responseStatus}` : (result.error ?? 'unknown error');
    const subject = `Hookline: webhook "${w.name}" was disabled`;
    const message =
      `Webhook ${w.id} "${w.name}" of organization "${w.org_name}" was disabled (DISABLED_DUE_TO_ERRORS): ${reason}.\n` +
      // The rendered URL's query string may carry a credential: never in an email.
      `Last attempt: ${result.requestMethod} ${redactUrl(result.requestUrl)} → ${last}.\n` +
      `Fix the endpoint, then re-enable it with PUT /api/v1/organization/webhooks/${w.id} {"status":"ENABLED"}; cancelled deliveries can be redelivered.`;
    const inserted = await tx.query<{ id: string }>(
      `INSERT INTO notification (organization_id, user_id, webhook_id, email, subject, message, disabled_at)
       SELECT u.organization_id, u.id, $1, u.email, $2, $3, $4
       FROM app_user u
       WHERE u.organization_id = $5 AND u.id = ANY($6::int[])
       ON CONFLICT (webhook_id, user_id, disabled_at) DO NOTHING
       RETURNING id`,
      [webhookId, subject, message, disabledAt, w.organization_id, w.users],
    );
    return inserted.rows.map((row) => BigInt(row.id));
  }
}
