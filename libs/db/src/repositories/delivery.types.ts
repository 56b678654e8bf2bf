import type { HeldReason } from '../../../../generated/prisma/client';

/** The rows and arguments of DeliveriesRepository's statements. */

/** An attempt as a worker holds it: the lease it presents is the stored claim_expires_at. */
export interface HeldAttempt {
  deliveryId: bigint;
  attempt: number;
  lease: Date;
}

export interface ClaimedDelivery {
  id: string;
  att: number;
  webhook_id: number;
  organization_id: number;
  /** The webhook is ENABLED and not deleted. */
  active: boolean;
  /** The webhook's updated_at in epoch milliseconds (bigint as text): cheaper to read than a timestamp. */
  version: string;
  payload: Record<string, unknown>;
  lease: Date;
  /** Why the attempt was held back last time, and when it was then due (its rate-limit slot, for RATE_LIMITED). */
  held_reason: HeldReason | null;
  due: Date;
  /** The webhook's circuit (issue #11): null when closed; after it, half-open while a probe is out since probe_at. */
  open_until: Date | null;
  probe_at: Date | null;
}

/** A claimed attempt put back unsent: why, and when it is to be tried. */
export interface HeldBack extends HeldAttempt {
  reason: HeldReason;
  until: Date;
}

export interface OverdueDelivery {
  id: string;
  organization_id: number;
  attempt_count: number;
  batch_id: string | null;
  next_attempt_at: Date;
  /** A lease that ran out: the worker that claimed the attempt is gone (a live one renews its leases). */
  claim_expires_at: Date | null;
}

/** Where a recorded attempt leaves its delivery. */
export interface DeliveryMove {
  deliveryId: bigint;
  attempt: number;
  status: 'SUCCEEDED' | 'FAILED' | 'PENDING';
  /** When the next attempt is due (PENDING only). */
  nextAttemptAt: Date | null;
}
