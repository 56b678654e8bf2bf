import { Injectable, Logger } from '@nestjs/common';
import { MicroBatcher } from '@hookline/common';
import { DeliveryMetrics } from '../metrics/delivery-metrics';
import { ConfigService } from '@hookline/config';
import { AttemptRow, AttemptsRepository, CircuitRule, DeliveriesRepository, DeliveryMove, OpenedCircuit, SqlPool, WebhookCountersRepository } from '@hookline/db';
import { AttemptResult } from '@hookline/delivery';
import { tally } from './attempt-tally';
import { Disabled, WebhookDisabler } from './webhook-disabler';

export interface RecordInput {
  deliveryId: bigint;
  webhookId: number;
  attempt: number;
  /** The lease held on this attempt, as stored: the record is refused if another worker has taken the attempt over. */
  lease: Date;
  result: AttemptResult;
  /** Delay before the next attempt, or null when this attempt ends the delivery. */
  retryDelayMs: number | null;
}

export interface RecordOutcome {
  /** False when this attempt had already been recorded (a duplicate job) or its lease was taken over: nothing changed. */
  recorded: boolean;
  status: 'SUCCEEDED' | 'FAILED' | 'PENDING';
  /** This batch disabled the webhook; set on the attempt that tipped it. */
  disabledWebhook: boolean;
  notificationIds: bigint[];
  cancelledDeliveries: number;
}

const NOT_RECORDED: RecordOutcome = { recorded: false, status: 'PENDING', disabledWebhook: false, notificationIds: [], cancelledDeliveries: 0 };

const attemptRow = (i: RecordInput): AttemptRow => ({ deliveryId: i.deliveryId, number: i.attempt, ...i.result });

/**
 * Records attempts and moves every counter (SPEC §5.4): the one way an attempt
 * is recorded, a batch of attempts per transaction so one commit serves many
 * deliveries. Locks are taken in one order, webhooks before deliveries, by
 * every recording transaction:
 * 1. the webhooks concerned, in id order (no deadlock between workers);
 * 2. the deliveries whose attempt is still this worker's: not yet recorded,
 *    and the lease presented is still the stored one (another worker that took
 *    the attempt over after the lease ran out owns the record). Only those get
 *    an attempt row, so a duplicate job or a lost lease records nothing;
 * 3. each webhook's counters and circuit move in one UPDATE relative to their values;
 * 4. webhooks that reached their failure limit (or answered 410) are disabled:
 *    flipped exactly once, their receivers notified, their queue cancelled;
 * 5. the deliveries move on: retried, done or failed (not retried on a webhook
 *    this batch disabled).
 */
@Injectable()
export class AttemptRecorder {
  private readonly logger = new Logger(AttemptRecorder.name);
  private readonly batcher: MicroBatcher<RecordInput, RecordOutcome>;
  private readonly circuit: CircuitRule;

  constructor(
    private readonly sql: SqlPool,
    private readonly counters: WebhookCountersRepository,
    private readonly deliveries: DeliveriesRepository,
    private readonly attempts: AttemptsRepository,
    private readonly disabler: WebhookDisabler,
    private readonly metrics: DeliveryMetrics,
    config: ConfigService,
  ) {
    this.circuit = { threshold: config.get('circuitFailureThreshold'), pauseMs: config.get('circuitPauseMs'), maxPauseMs: config.get('circuitMaxPauseMs') };
    // Off the sending path (permits are back before recording), so batches may wait
    // longer and grow: fewer statements, fewer commits.
    this.batcher = new MicroBatcher((items) => this.flush(items), 500, 10);
  }

  record(input: RecordInput): Promise<RecordOutcome> {
    return this.batcher.submit(input);
  }

  private async flush(items: RecordInput[]): Promise<RecordOutcome[]> {
    this.metrics.batchSize.observe({ kind: 'record' }, items.length);
    let opened: OpenedCircuit[] = [];
    const outcomes = await this.sql.transaction(async (tx) => {
      await this.counters.lockInOrder(tx, items.map((i) => i.webhookId));
      const held = await this.deliveries.lockHeld(tx, items);
      const isMine = items.map((i) => held.has(String(i.deliveryId)));
      const mine = items.filter((_, idx) => isMine[idx]);
      const inserted = await this.attempts.insert(tx, mine.map(attemptRow));
      // A delivery still at attempt n - 1 under its lease cannot have attempt n recorded already.
      if (inserted.length !== mine.length) throw new Error(`${mine.length - inserted.length} deliveries would be moved on without their attempt recorded`);

      const tallies = tally(items, isMine);
      opened = await this.counters.addAttempts(tx, tallies, this.circuit);
      const disabled = await this.disabler.disableAtLimit(tx, tallies.filter((t) => t.failures > 0).map((t) => ({ webhookId: t.webhookId, gone: t.gone, last: items[t.lastFailure].result })));

      const outcomes = items.map((i, idx) => (isMine[idx] ? outcomeOf(i, disabled) : NOT_RECORDED));
      const moves = items.map((i, idx) => moveOf(i, outcomes[idx])).filter((m): m is DeliveryMove => m !== null);
      const moved = await this.deliveries.moveOn(tx, moves);
      if (moved !== moves.length) throw new Error(`${moves.length - moved} deliveries moved on under their recorded attempt`);
      for (const t of tallies) {
        const d = disabled.get(t.webhookId);
        if (d) outcomes[t.lastFailure] = { ...outcomes[t.lastFailure], disabledWebhook: true, notificationIds: d.notificationIds, cancelledDeliveries: d.cancelled };
      }
      return outcomes;
    });
    for (const c of opened) this.logger.warn({ msg: 'circuit opened: attempts held back until openUntil, then one probe', ...c, openUntil: c.openUntil.toISOString() });
    if (opened.length) this.metrics.circuitsOpened.inc(opened.length);
    return outcomes;
  }
}

/** Where an attempt leaves its delivery: retried after a failure with a delay left, unless this batch disabled its webhook. */
function outcomeOf(i: RecordInput, disabled: Map<number, Disabled>): RecordOutcome {
  const ok = i.result.outcome.ok;
  const retry = !ok && i.retryDelayMs !== null && !disabled.has(i.webhookId);
  return { recorded: true, status: ok ? 'SUCCEEDED' : retry ? 'PENDING' : 'FAILED', disabledWebhook: false, notificationIds: [], cancelledDeliveries: 0 };
}

function moveOf(i: RecordInput, o: RecordOutcome): DeliveryMove | null {
  if (!o.recorded) return null;
  return { deliveryId: i.deliveryId, attempt: i.attempt, status: o.status, nextAttemptAt: o.status === 'PENDING' ? new Date(Date.now() + i.retryDelayMs!) : null };
}
