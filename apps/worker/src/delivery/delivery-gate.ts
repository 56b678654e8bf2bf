import { Injectable } from '@nestjs/common';
import { ConfigService } from '@hookline/config';
import { WebhookCountersRepository } from '@hookline/db';
import type { Claim, Hold } from './claim.batcher';

/** A slot this close ahead is taken as now: a delayed job cannot be timed closer than that. */
const SLOT_TOLERANCE_MS = 10;

/**
 * What a claimed attempt must wait for before it is sent (issue #11), shared
 * by every worker through the webhook's row: its circuit, and its rate limit.
 * Null: send now. A hold puts the attempt back unsent and uncounted.
 *
 * - Circuit open: held until the pause ends.
 * - Circuit half-open (the pause has ended): the first attempt to ask becomes
 *   the probe, and is sent; the others wait for as long as a request can take,
 *   by when the probe's record has closed the circuit or opened it again.
 *   Held attempts come back spread over the length of a probe after that
 *   moment, not all at once: a webhook's backlog of thousands costs a trickle
 *   of claims instead of a burst that would delay everyone else's.
 * - Rate limit: each attempt reserves the next slot once, and is held until it.
 */
@Injectable()
export class DeliveryGate {
  /** How long a probe may be out: the longest request, and a second for its record. */
  readonly probeMs: number;

  constructor(
    private readonly webhooks: WebhookCountersRepository,
    config: ConfigService,
  ) {
    this.probeMs = config.get('requestTimeoutMs') + 1000;
  }

  async admit(claim: Extract<Claim, { kind: 'claimed' }>, rateLimitPerMinute: number | null): Promise<Hold | null> {
    return (await this.circuit(claim)) ?? (rateLimitPerMinute ? this.pace(claim, rateLimitPerMinute) : null);
  }

  private async circuit({ circuit, webhookId }: Extract<Claim, { kind: 'claimed' }>): Promise<Hold | null> {
    if (!circuit) return null;
    const now = Date.now();
    if (circuit.openUntil.getTime() > now) return this.spread(circuit.openUntil.getTime());
    if (await this.webhooks.takeProbe(webhookId, this.probeMs)) return null;
    return this.spread(Math.max((circuit.probeAt?.getTime() ?? now) + this.probeMs, now + 100));
  }

  private spread(from: number): Hold {
    return { reason: 'CIRCUIT_OPEN', until: new Date(from + Math.random() * this.probeMs) };
  }

  private async pace({ held, webhookId }: Extract<Claim, { kind: 'claimed' }>, perMinute: number): Promise<Hold | null> {
    // Back at the slot it reserved: that slot is its own.
    if (held?.reason === 'RATE_LIMITED' && held.until.getTime() <= Date.now() + SLOT_TOLERANCE_MS) return null;
    const slot = await this.webhooks.reserveSlot(webhookId, perMinute);
    return slot.getTime() <= Date.now() + SLOT_TOLERANCE_MS ? null : { reason: 'RATE_LIMITED', until: slot };
  }
}
