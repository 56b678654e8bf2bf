import { Injectable } from '@nestjs/common';
import { Queryable } from '../queryable';

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

/** The `attempt` table: written only inside the recorder's transaction, read through the delivery log. */
@Injectable()
export class AttemptsRepository {
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
