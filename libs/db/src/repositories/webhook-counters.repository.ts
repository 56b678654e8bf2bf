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
  /** An answer (any status) among them: the circuit's count restarts from the unreachable attempts after the last one. */
  answered: boolean;
  unreachableAfterLastAnswer: number;
  lastStartedAt: Date;
}

/** When a webhook's circuit opens and for how long (HOOKLINE_CIRCUIT_*). */
export interface CircuitRule {
  /** Unreachable attempts in a row that open it; 0: never. */
  threshold: number;
  pauseMs: number;
  maxPauseMs: number;
}

/** The counters' and the circuit's move for a batch of recorded attempts, per webhook ($1–$8), under the circuit's rule ($9–$11). */
const ADD_ATTEMPTS = `WITH a AS (
     SELECT * FROM unnest($1::int[], $2::int[], $3::int[], $4::boolean[], $5::int[], $6::timestamptz[], $7::boolean[], $8::int[])
       AS a(id, total, fails, had_success, tail_fails, last_at, answered, unreachable)
   ),
   c AS (
     SELECT a.id, n.failures,
            $9::int > 0 AND n.failures >= $9 AND (w.circuit_open_until IS NULL OR w.circuit_probe_at IS NOT NULL OR a.answered) AS trips,
            CASE WHEN a.answered THEN 0 ELSE w.circuit_trips END AS trips_before
     FROM a JOIN webhook w ON w.id = a.id,
          LATERAL (SELECT CASE WHEN a.answered THEN a.unreachable ELSE w.circuit_failures + a.unreachable END AS failures) n
   )
   UPDATE webhook w
   SET total_attempts = w.total_attempts + a.total,
       last_triggered_at = GREATEST(COALESCE(w.last_triggered_at, a.last_at), a.last_at),
       -- A webhook disabled for its failures keeps the count that disabled it: attempts that were
       -- in flight at the time, succeeding or failing late, do not move it.
       consecutive_failures = CASE WHEN w.status = 'DISABLED_DUE_TO_ERRORS' THEN w.consecutive_failures
                                   WHEN a.had_success THEN a.tail_fails ELSE w.consecutive_failures + a.fails END,
       circuit_failures = c.failures,
       circuit_trips = CASE WHEN c.trips THEN c.trips_before + 1 ELSE c.trips_before END,
       circuit_open_until = CASE WHEN c.trips THEN now() + make_interval(secs => LEAST($11::float8, $10::float8 * power(2, LEAST(c.trips_before, 30))) / 1000)
                                 WHEN a.answered THEN NULL ELSE w.circuit_open_until END,
       circuit_probe_at = CASE WHEN c.trips OR a.answered THEN NULL ELSE w.circuit_probe_at END
   FROM a JOIN c ON c.id = a.id
   WHERE w.id = a.id
   RETURNING w.id AS "webhookId", w.organization_id AS "organizationId", w.circuit_open_until AS "openUntil", w.circuit_trips AS "trips", c.trips AS "opened"`;

/** The state attempts move on `webhook`: counters, the circuit, the rate limit's slots and the system's disable (SPEC §5.4). */
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

  /**
   * Moves each webhook's counters and its circuit relative to their current
   * values, in one UPDATE under the recording transaction's row locks. The
   * circuit (issue #11) opens when the unreachable attempts in a row reach the
   * threshold while it is closed, or again when the half-open probe was out
   * (attempts sent before it opened only add to the count); each opening
   * doubles the pause. An answer closes it.
   */
  async addAttempts(tx: Queryable, tallies: AttemptTally[], circuit: CircuitRule): Promise<OpenedCircuit[]> {
    if (!tallies.length) return [];
    const { rows } = await tx.query<OpenedCircuit & { opened: boolean }>(
      ADD_ATTEMPTS,
      [
        tallies.map((t) => t.webhookId),
        tallies.map((t) => t.total),
        tallies.map((t) => t.failures),
        tallies.map((t) => t.hadSuccess),
        tallies.map((t) => t.failuresAfterLastSuccess),
        tallies.map((t) => t.lastStartedAt),
        tallies.map((t) => t.answered),
        tallies.map((t) => t.unreachableAfterLastAnswer),
        circuit.threshold,
        circuit.pauseMs,
        circuit.maxPauseMs,
      ],
    );
    return rows.filter((r) => r.opened).map(({ webhookId, organizationId, openUntil, trips }) => ({ webhookId, organizationId, openUntil, trips }));
  }

  /**
   * The half-open probe: once the pause has passed, the first worker to ask
   * sends one attempt (a conditional UPDATE, so exactly one); the others hold
   * back. A probe out for longer than `probeMs` (its worker died) is taken again.
   */
  async takeProbe(webhookId: number, probeMs: number): Promise<boolean> {
    const { rowCount } = await this.sql.query(
      `UPDATE webhook SET circuit_probe_at = now()
       WHERE id = $1 AND circuit_open_until <= now() AND (circuit_probe_at IS NULL OR circuit_probe_at < now() - make_interval(secs => $2::float8 / 1000))`,
      [webhookId, probeMs],
    );
    return rowCount === 1;
  }

  /**
   * The rate limit's next slot for one attempt, shared by every worker: slots
   * are 60 / perMinute seconds apart, each taken by one attempt (a single
   * UPDATE, so no two attempts get the same one). The slot is now or later;
   * an attempt whose slot is later waits for it, so nothing is dropped.
   */
  async reserveSlot(webhookId: number, perMinute: number): Promise<Date> {
    const { rows } = await this.sql.query<{ slot: Date }>(
      `UPDATE webhook SET rate_next_at = GREATEST(rate_next_at, now()) + make_interval(secs => 60.0 / $2)
       WHERE id = $1 RETURNING rate_next_at - make_interval(secs => 60.0 / $2) AS slot`,
      [webhookId, perMinute],
    );
    return rows[0]?.slot ?? new Date();
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

  /** How many webhooks the system has disabled, and how many have their circuit open or half-open (gauges). */
  async states(): Promise<WebhookStates> {
    const { rows } = await this.sql.query<WebhookStates>(
      `SELECT count(*) FILTER (WHERE status = 'DISABLED_DUE_TO_ERRORS')::int AS "disabled",
              count(*) FILTER (WHERE circuit_open_until > now())::int AS "circuitOpen",
              count(*) FILTER (WHERE circuit_open_until <= now())::int AS "circuitHalfOpen"
       FROM webhook WHERE deleted_at IS NULL AND (status = 'DISABLED_DUE_TO_ERRORS' OR circuit_open_until IS NOT NULL)`,
    );
    return rows[0];
  }
}

export interface WebhookStates {
  disabled: number;
  circuitOpen: number;
  circuitHalfOpen: number;
}

/** A circuit this recording opened (or opened again). */
export interface OpenedCircuit {
  webhookId: number;
  organizationId: number;
  openUntil: Date;
  /** Openings in a row, this one included. */
  trips: number;
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
