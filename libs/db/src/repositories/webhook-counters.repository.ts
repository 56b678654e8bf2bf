import { Injectable } from '@nestjs/common';
import { Queryable } from '../queryable';
import { SqlPool } from '../sql-pool';

/** What a batch of newly recorded attempts adds to one webhook's counters. */
export interface AttemptTally {
  webhookId: number;
  total: number;
  failures: number;
  /** A success among them: the count restarts from the failures after the last one. */
  hadSuccess: boolean;
  failuresAfterLastSuccess: number;
  lastStartedAt: Date;
}

/** The state attempts move on `webhook`: counters and the system's disable (SPEC §5.4). */
@Injectable()
export class WebhookCountersRepository {
  constructor(private readonly sql: SqlPool) {}

  /**
   * Locks the webhooks in id order, the order every recording transaction takes
   * them in (no deadlock between workers). NO KEY UPDATE: the lock the counter
   * UPDATE takes anyway, which does not block the API's foreign-key checks
   * (KEY SHARE) when it inserts deliveries for these webhooks.
   */
  async lockInOrder(tx: Queryable, webhookIds: number[]): Promise<void> {
    const sorted = [...new Set(webhookIds)].sort((a, b) => a - b);
    await tx.query('SELECT id FROM webhook WHERE id = ANY($1::int[]) ORDER BY id FOR NO KEY UPDATE', [sorted]);
  }

  /** Moves each webhook's counters relative to their current values, in one UPDATE. */
  async addAttempts(tx: Queryable, tallies: AttemptTally[]): Promise<void> {
    if (!tallies.length) return;
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
      [
        tallies.map((t) => t.webhookId),
        tallies.map((t) => t.total),
        tallies.map((t) => t.failures),
        tallies.map((t) => t.hadSuccess),
        tallies.map((t) => t.failuresAfterLastSuccess),
        tallies.map((t) => t.lastStartedAt),
      ],
    );
  }

  /** A `/test` request counts in totalAttempts and lastTriggeredAt, never in the failure count (SPEC §3). */
  async addTestAttempt(organizationId: number, webhookId: number, startedAt: Date): Promise<void> {
    await this.sql.query('UPDATE webhook SET total_attempts = total_attempts + 1, last_triggered_at = $3 WHERE id = $2 AND organization_id = $1', [organizationId, webhookId, startedAt]);
  }

  /**
   * ENABLED → DISABLED_DUE_TO_ERRORS where the failure limit is reached, or for
   * `gone` (a 410 came back). Conditional on ENABLED under the row lock: exactly
   * once per webhook. Returns the flipped ones with what their email names.
   */
  async disableAtLimit(tx: Queryable, webhookIds: number[], gone: number[]) {
    const { rows } = await tx.query<DisabledWebhook>(
      `UPDATE webhook w SET status = 'DISABLED_DUE_TO_ERRORS', disabled_at = now(), updated_at = now()
       FROM organization o
       WHERE w.id = ANY($1::int[]) AND w.status = 'ENABLED' AND w.deleted_at IS NULL
         AND (w.consecutive_failures >= w.failure_limit OR w.id = ANY($2::int[]))
         AND o.id = w.organization_id
       RETURNING w.id, w.name, w.organization_id AS "organizationId", o.name AS "organizationName", w.disabled_at AS "disabledAt",
                 w.failure_notify_user_ids AS "receivers", w.consecutive_failures AS "consecutiveFailures", w.failure_limit AS "failureLimit"`,
      [webhookIds, gone],
    );
    return rows;
  }

  /** How many webhooks the system has disabled (a gauge). */
  async disabledByErrors(): Promise<number> {
    const { rows } = await this.sql.query<{ n: number }>(`SELECT count(*)::int AS n FROM webhook WHERE status = 'DISABLED_DUE_TO_ERRORS' AND deleted_at IS NULL`);
    return rows[0].n;
  }
}

export interface DisabledWebhook {
  id: number;
  name: string;
  organizationId: number;
  organizationName: string;
  disabledAt: Date;
  receivers: number[];
  consecutiveFailures: number;
  failureLimit: number;
}
