import { Injectable } from '@nestjs/common';
import { Queryable } from '../queryable';
import { SqlPool } from '../sql-pool';

/** What an attempt records of its request and the answer (SPEC §5.7). */
export interface AttemptFields {
  startedAt: Date;
  requestMethod: string;
  requestUrl: string;
  responseStatus: number | null;
  durationMs: number;
  responseBody: string | null;
  error: string | null;
}

/** One attempt row: attempt `number` of a delivery. */
export interface AttemptRow extends AttemptFields {
  deliveryId: bigint;
  number: number;
}

/** Attempts started in one minute (or, with `minute` null, in the whole window), as the console charts them. */
export interface AttemptStatsRow {
  /** ms since epoch of the minute; null for the window's total. */
  minute: number | null;
  attempts: number;
  succeeded: number;
  p50Ms: number | null;
  p95Ms: number | null;
}

/** The `attempt` table: written only inside the recorder's transaction, read through the delivery log and its statistics. */
@Injectable()
export class AttemptsRepository {
  constructor(private readonly sql: SqlPool) {}

  /**
   * One webhook's attempts since `since`, per minute and in total (GROUPING
   * SETS: one scan for both), with the 2xx count and duration percentiles.
   * Scoped by organization like every tenant-facing read.
   */
  async statsByMinute(organizationId: number, webhookId: number, since: Date): Promise<AttemptStatsRow[]> {
    const { rows } = await this.sql.query<AttemptStatsRow>(
      `SELECT (extract(epoch FROM date_trunc('minute', a.started_at)) * 1000)::float8 AS "minute",
              count(*)::int AS "attempts",
              count(*) FILTER (WHERE a.response_status BETWEEN 200 AND 299)::int AS "succeeded",
              percentile_cont(0.5) WITHIN GROUP (ORDER BY a.duration_ms) AS "p50Ms",
              percentile_cont(0.95) WITHIN GROUP (ORDER BY a.duration_ms) AS "p95Ms"
       FROM attempt a JOIN delivery d ON d.id = a.delivery_id
       WHERE d.webhook_id = $1 AND d.organization_id = $2 AND a.started_at >= $3
       GROUP BY GROUPING SETS ((date_trunc('minute', a.started_at)), ())
       ORDER BY 1 NULLS FIRST`,
      [webhookId, organizationId, since.toISOString()],
    );
    return rows;
  }

  /**
   * Inserts the attempts, unique per delivery and number; returns the keys of
   * those inserted now (a duplicate, already recorded, is left out).
   */
  async insert(tx: Queryable, rows: AttemptRow[]): Promise<{ delivery_id: string; number: number }[]> {
    if (!rows.length) return [];
    const { rows: inserted } = await tx.query<{ delivery_id: string; number: number }>(
      `INSERT INTO attempt (delivery_id, number, started_at, request_method, request_url, response_status, duration_ms, response_body, error)
       SELECT * FROM unnest($1::bigint[], $2::int[], $3::timestamptz[], $4::text[], $5::text[], $6::int[], $7::int[], $8::text[], $9::text[])
       ON CONFLICT (delivery_id, number) DO NOTHING
       RETURNING delivery_id, number`,
      [
        rows.map((r) => String(r.deliveryId)),
        rows.map((r) => r.number),
        // ISO text: node-postgres formats Date objects in JavaScript, element by element.
        rows.map((r) => r.startedAt.toISOString()),
        rows.map((r) => r.requestMethod),
        rows.map((r) => r.requestUrl.slice(0, 4096)),
        rows.map((r) => r.responseStatus),
        rows.map((r) => r.durationMs),
        // PostgreSQL text cannot hold NUL; a receiver may send it.
        rows.map((r) => (r.responseBody === null ? null : r.responseBody.replace(/\u0000/g, ''))),
        rows.map((r) => r.error),
      ],
    );
    return inserted;
  }
}
