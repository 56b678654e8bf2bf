import { Injectable } from '@nestjs/common';
import { MicroBatcher } from '@hookline/common';
import { DeliveryMetrics } from '../metrics/delivery-metrics';
import { DeliveriesRepository, HeldBack } from '@hookline/db';
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
      /** Why the attempt was held back before, if it was, and when it was then due. */
      held: Hold | null;
      /** The webhook's circuit as the claim found it; null: closed. */
      circuit: { openUntil: Date; probeAt: Date | null } | null;
    };

/** Why a claimed attempt goes back unsent, and when it is to be tried. */
export type Hold = Pick<HeldBack, 'reason' | 'until'>;

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
  /** Held-back attempts come in herds (an open circuit's pending attempts): one statement for many. */
  private readonly holds: MicroBatcher<HeldBack, void>;
  private readonly leaseSeconds: number;

  constructor(
    private readonly deliveries: DeliveriesRepository,
    private readonly definitions: WebhookDefinitions,
    private readonly leases: LeaseKeeper,
    private readonly metrics: DeliveryMetrics,
  ) {
    // HOOKLINE_CLAIM_LEASE_MS: how long a dead worker's attempts wait before another worker takes them.
    this.leaseSeconds = leases.leaseMs / 1000;
    this.batcher = new MicroBatcher((items) => this.flush(items), 200, 2);
    this.holds = new MicroBatcher((items) => this.deliveries.holdBack(items).then(() => items.map(() => undefined)), 500, 5);
  }

  claim(req: ClaimRequest): Promise<Claim> {
    return this.batcher.submit(req);
  }

  /** Lets go of a claim this worker will not use: the attempt goes back to the queue unsent, to be tried at `hold.until` by any worker. */
  async giveBack(lease: Lease, hold: Hold): Promise<void> {
    await this.holds.submit({ deliveryId: lease.deliveryId, attempt: lease.attempt, lease: await this.leases.release(lease), ...hold });
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
      const held = row.held_reason ? { reason: row.held_reason, until: row.due } : null;
      const circuit = row.open_until ? { openUntil: row.open_until, probeAt: row.probe_at } : null;
      return { kind: 'claimed', webhookId: row.webhook_id, organizationId: row.organization_id, payload: row.payload, lease, held, circuit };
    });
  }
}
