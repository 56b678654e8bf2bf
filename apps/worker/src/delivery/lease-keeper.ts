import { Injectable, Logger, OnModuleDestroy } from '@nestjs/common';
import { ConfigService } from '@hookline/config';
import { DeliveriesRepository } from '@hookline/db';

/** A claim on one attempt, as this worker holds it. */
export interface Lease {
  deliveryId: bigint;
  attempt: number;
  /** The lease as stored (claim_expires_at): renewals and the record present it, so a lease another worker took is told apart. */
  expiresAt: Date;
  /** By this process's clock, when the stored lease runs out at the earliest. */
  deadline: number;
}

/**
 * Keeps the leases of the attempts this worker is working on (waiting for a
 * request permit, fetching a token, sending, retrying after a 401) from
 * running out, however long that takes (SPEC §7: no two workers send the same
 * attempt). One timer for all of them: every quarter lease, the leases with
 * less than half left are renewed in one statement, each only if its stored
 * value is still the one held. A lease that was taken over is not renewed,
 * and its record is refused (AttemptRecorder).
 */
@Injectable()
export class LeaseKeeper implements OnModuleDestroy {
  private readonly logger = new Logger(LeaseKeeper.name);
  private readonly held = new Set<Lease>();
  private renewing: Promise<void> = Promise.resolve();
  private readonly timer: NodeJS.Timeout;
  readonly leaseMs: number;

  constructor(
    private readonly deliveries: DeliveriesRepository,
    config: ConfigService,
  ) {
    this.leaseMs = config.get('claimLeaseMs');
    this.timer = setInterval(() => (this.renewing = this.renewing.then(() => this.renewDue())), this.leaseMs / 4);
    this.timer.unref();
  }

  /** A lease just taken, renewed from now on until it is released. */
  hold(deliveryId: bigint, attempt: number, expiresAt: Date, takenAt: number): Lease {
    const lease = { deliveryId, attempt, expiresAt, deadline: takenAt + this.leaseMs };
    this.held.add(lease);
    return lease;
  }

  /** Stops renewing; resolves to the stored lease after any renewal under way, the value the record must present. */
  async release(lease: Lease): Promise<Date> {
    this.held.delete(lease);
    await this.renewing;
    return lease.expiresAt;
  }

  async renewDue(): Promise<void> {
    const startedAt = Date.now();
    const due = [...this.held].filter((l) => l.deadline - startedAt < this.leaseMs / 2);
    if (!due.length) return;
    try {
      const rows = await this.deliveries.renewLeases(due.map((l) => ({ deliveryId: l.deliveryId, attempt: l.attempt, lease: l.expiresAt })), this.leaseMs / 1000);
      const renewed = new Map(rows.map((r) => [`${r.id}:${r.att}`, r.lease]));
      for (const l of due) {
        const lease = renewed.get(`${l.deliveryId}:${l.attempt}`);
        if (lease) Object.assign(l, { expiresAt: lease, deadline: startedAt + this.leaseMs });
      }
      const lost = due.length - rows.length;
      if (lost) this.logger.warn({ msg: 'leases taken over by another worker; their records will be refused', lost });
    } catch (err) {
      this.logger.warn({ msg: 'lease renewal failed; the next tick tries again', error: (err as Error).message });
    }
  }

  onModuleDestroy() {
    clearInterval(this.timer);
  }
}
