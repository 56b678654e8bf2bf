import { Injectable } from '@nestjs/common';
import { MetricsService, MicroBatcher } from '@hookline/common';
import { DeliveriesRepository } from '@hookline/db';
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
    private readonly deliveries: DeliveriesRepository,
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

  /** Lets go of a claim this worker will not use (the attempt goes back to the queue unsent): another worker may take it at once. */
  async giveBack(lease: Lease): Promise<void> {
    await this.deliveries.releaseClaims([{ deliveryId: lease.deliveryId, attempt: lease.attempt, lease: await this.leases.release(lease) }]);
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
    const rows = await this.deliveries.claim(unique, this.leaseSeconds);

    const byKey = new Map(rows.map((r) => [`${r.id}:${r.att}`, r]));
    const inactive = rows.filter((r) => !r.active);
    if (inactive.length) {
      // Their leases are this flush's: cancelled with the rest of those webhooks' queue.
      await this.deliveries.cancelPending([...new Set(inactive.map((r) => r.webhook_id))], { held: inactive.map((r) => BigInt(r.id)) });
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
