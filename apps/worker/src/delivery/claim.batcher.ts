import { Injectable } from '@nestjs/common';
import { MetricsService, MicroBatcher } from '@hookline/common';
import { SqlPool } from '@hookline/db';
import { Lease, LeaseKeeper } from './lease-keeper';
import { WebhookDefinitions } from './webhook-definitions';

export interface ClaimRequest {
  deliveryId: bigint;
  attempt: number;
}

export type Claim =
  | { kind: 'skipped' }
  | { kind: 'cancelled' }
  | {
      kind: 'claimed';
      webhookId: number;
      organizationId: number;
      payload: Record<string, unknown>;
      /** Kept alive by the LeaseKeeper until released, before the record. */
      lease: Lease;
    };

interface ClaimedRow {
  id: string;
  att: number;
  webhook_id: number;
  organization_id: number;
  active: boolean;
  /** updated_at in epoch milliseconds (bigint as text): cheaper to read than a timestamp. */
  version: string;
  payload: Record<string, unknown>;
  lease: Date;
}

/**
 * Claims attempts for sending, many at once (SPEC §7: no two workers send the
 * same attempt concurrently). One conditional UPDATE takes a lease on every
 * delivery whose attempt n is due and unclaimed, and returns what sending needs:
 * the event and the webhook's state and version. Deliveries of webhooks that
 * are no longer ENABLED are cancelled in the same flush, unsent.
 */
@Injectable()
export class ClaimBatcher {
  private readonly batcher: MicroBatcher<ClaimRequest, Claim>;
  private readonly leaseSeconds: number;

  constructor(
    private readonly sql: SqlPool,
    private readonly definitions: WebhookDefinitions,
    private readonly leases: LeaseKeeper,
    private readonly metrics: MetricsService,
  ) {
    // HOOKLINE_CLAIM_LEASE_MS: how long a dead worker's attempts wait before another worker takes them.
    this.leaseSeconds = leases.leaseMs / 1000;
    this.batcher = new MicroBatcher((items) => this.flush(items), 200, 2);
  }

  claim(req: ClaimRequest): Promise<Claim> {
    return this.batcher.submit(req);
  }

  private async flush(items: ClaimRequest[]): Promise<Claim[]> {
    const claimedAt = Date.now();
    this.metrics.batchSize.observe({ kind: 'claim' }, items.length);
    // One claim per (delivery, attempt) per batch; duplicates (a sweeper re-add) are skipped.
    const seen = new Set<string>();
    const unique = items.filter((i) => {
      const key = `${i.deliveryId}:${i.attempt}`;
      return seen.has(key) ? false : (seen.add(key), true);
    });
    // Asynchronous commit: a claim lost in a crash only allows a duplicate send.
    const { rows } = await this.sql.queryRelaxed<ClaimedRow>(
      `WITH v AS (SELECT * FROM unnest($1::bigint[], $2::int[]) AS t(id, att)),
       claimed AS (
         UPDATE delivery d SET claim_expires_at = now() + make_interval(secs => $3)
         FROM v
         -- id = ANY(...) makes the planner fetch the rows by primary key rather than
         -- scan every PENDING delivery (it cannot estimate unnest's row count).
         WHERE d.id = ANY($1::bigint[]) AND d.id = v.id AND d.status = 'PENDING' AND d.attempt_count = v.att - 1
           AND (d.claim_expires_at IS NULL OR d.claim_expires_at < now())
         RETURNING d.id, v.att, d.webhook_id, d.event_row_id, d.organization_id, d.claim_expires_at
       )
       SELECT c.id, c.att, c.webhook_id, c.organization_id, c.claim_expires_at AS lease, (w.status = 'ENABLED' AND w.deleted_at IS NULL) AS active, (extract(epoch FROM w.updated_at) * 1000)::bigint AS version, e.payload
       FROM claimed c JOIN webhook w ON w.id = c.webhook_id JOIN event e ON e.id = c.event_row_id`,
      [unique.map((i) => String(i.deliveryId)), unique.map((i) => i.attempt), this.leaseSeconds],
    );

    const byKey = new Map(rows.map((r) => [`${r.id}:${r.att}`, r]));
    const inactive = rows.filter((r) => !r.active).map((r) => r.id);
    if (inactive.length) {
      await this.sql.query(`UPDATE delivery SET status = 'CANCELLED', completed_at = now(), claim_expires_at = NULL WHERE id = ANY($1::bigint[]) AND status = 'PENDING'`, [inactive]);
    }
    await this.definitions.ensure(new Map(rows.filter((r) => r.active).map((r) => [r.webhook_id, Number(r.version)])));

    const handed = new Set<string>();
    return items.map((i): Claim => {
      const key = `${i.deliveryId}:${i.attempt}`;
      const row = byKey.get(key);
      if (!row || handed.has(key)) return { kind: 'skipped' };
      handed.add(key);
      if (!row.active) return { kind: 'cancelled' };
      const lease = this.leases.hold(i.deliveryId, i.attempt, row.lease, claimedAt);
      return { kind: 'claimed', webhookId: row.webhook_id, organizationId: row.organization_id, payload: row.payload, lease };
    });
  }
}
