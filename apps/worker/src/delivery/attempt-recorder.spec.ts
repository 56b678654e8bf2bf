import type { AttemptResult } from '@hookline/delivery';
import type { AttemptRow, DeliveryMove, HeldAttempt } from '@hookline/db';
import { AttemptRecorder, RecordInput } from './attempt-recorder';
import type { WebhookTally } from './attempt-tally';

/**
 * The recorder's transitions, with its repositories replaced by recorders of
 * what they were asked (the statements themselves run against PostgreSQL in
 * test/worker-batches.e2e-spec.ts and test/failures.e2e-spec.ts).
 */
function fixture({ lost = new Set<bigint>(), disabling = new Set<number>(), duplicateRows = 0 } = {}) {
  const calls: string[] = [];
  const moves: DeliveryMove[] = [];
  const rows: AttemptRow[] = [];
  const tallies: WebhookTally[] = [];
  const sql = { transaction: (fn: (tx: object) => Promise<unknown>) => fn({}) };
  const counters = {
    lockInOrder: async (_tx: object, ids: number[]) => void calls.push(`lock webhooks ${ids}`),
    addAttempts: async (_tx: object, t: WebhookTally[]) => (calls.push('counters'), tallies.push(...t), []),
  };
  const deliveries = {
    lockHeld: async (_tx: object, held: HeldAttempt[]) => (calls.push('lock deliveries'), new Set(held.filter((h) => !lost.has(h.deliveryId)).map((h) => String(h.deliveryId)))),
    moveOn: async (_tx: object, m: DeliveryMove[]) => (calls.push('move'), moves.push(...m), m.length),
  };
  const attempts = {
    insert: async (_tx: object, r: AttemptRow[]) => (calls.push('insert'), rows.push(...r), r.slice(duplicateRows).map((x) => ({ delivery_id: String(x.deliveryId), number: x.number }))),
  };
  const disabler = {
    disableAtLimit: async (_tx: object, failing: { webhookId: number }[]) => {
      calls.push('disable');
      return new Map(failing.filter((f) => disabling.has(f.webhookId)).map((f) => [f.webhookId, { notificationIds: [99n], cancelled: 3 }]));
    },
  };
  const metrics = { batchSize: { observe: () => undefined } };
  const sut = new AttemptRecorder(sql as never, counters as never, deliveries as never, attempts as never, disabler as never, metrics as never, { get: () => 5 } as never);
  return { sut, calls, moves, rows, tallies };
}

const result = (ok: boolean, startedAt = new Date()): AttemptResult => ({
  startedAt,
  requestMethod: 'POST',
  requestUrl: 'http://x.test/',
  responseStatus: ok ? 200 : 500,
  durationMs: 5,
  responseBody: null,
  error: null,
  outcome: { ok, retryable: !ok, gone: false, unreachable: false },
  retryAfterMs: null,
});
const input = (deliveryId: bigint, webhookId: number, ok: boolean, retryDelayMs: number | null = null): RecordInput => ({
  deliveryId,
  webhookId,
  attempt: 1,
  lease: new Date(),
  result: result(ok),
  retryDelayMs,
});

describe(AttemptRecorder.name, () => {
  it('locks the webhooks, then the held deliveries, before it writes anything, in one transaction', async () => {
    const { sut, calls } = fixture();
    await Promise.all([sut.record(input(1n, 2, true)), sut.record(input(2n, 1, false, 1000))]);
    expect(calls).toEqual(['lock webhooks 2,1', 'lock deliveries', 'insert', 'counters', 'disable', 'move']);
  });

  it('moves a success to SUCCEEDED, a failure with a retry left to PENDING at its delay, one without to FAILED', async () => {
    const { sut, moves } = fixture();
    const before = Date.now();
    const outcomes = await Promise.all([sut.record(input(1n, 1, true)), sut.record(input(2n, 1, false, 60_000)), sut.record(input(3n, 1, false, null))]);
    expect(outcomes.map((o) => [o.recorded, o.status])).toEqual([
      [true, 'SUCCEEDED'],
      [true, 'PENDING'],
      [true, 'FAILED'],
    ]);
    expect(moves.map((m) => [m.deliveryId, m.status])).toEqual([
      [1n, 'SUCCEEDED'],
      [2n, 'PENDING'],
      [3n, 'FAILED'],
    ]);
    expect(moves[1].nextAttemptAt!.getTime()).toBeGreaterThanOrEqual(before + 60_000);
    expect(moves[0].nextAttemptAt).toBeNull();
  });

  it('records nothing for an attempt whose lease was taken over: no row, no count, no move', async () => {
    const { sut, rows, tallies, moves } = fixture({ lost: new Set([2n]) });
    const [mine, theirs] = await Promise.all([sut.record(input(1n, 1, true)), sut.record(input(2n, 1, false, 1000))]);
    expect(mine).toMatchObject({ recorded: true, status: 'SUCCEEDED' });
    expect(theirs).toMatchObject({ recorded: false });
    expect(rows.map((r) => r.deliveryId)).toEqual([1n]);
    expect(tallies).toEqual([expect.objectContaining({ webhookId: 1, total: 1, failures: 0 })]);
    expect(moves.map((m) => m.deliveryId)).toEqual([1n]);
  });

  it('does not retry failures of a webhook the batch disables; the last failure carries the disable', async () => {
    const { sut } = fixture({ disabling: new Set([7]) });
    const t = Date.now();
    const items = [input(1n, 7, false, 1000), input(2n, 7, false, 1000), input(3n, 8, false, 1000)];
    items[0].result = result(false, new Date(t));
    items[1].result = result(false, new Date(t + 1));
    const outcomes = await Promise.all(items.map((i) => sut.record(i)));
    expect(outcomes.map((o) => [o.status, o.disabledWebhook])).toEqual([
      ['FAILED', false],
      ['FAILED', true],
      ['PENDING', false],
    ]);
    expect(outcomes[1]).toMatchObject({ notificationIds: [99n], cancelledDeliveries: 3 });
  });

  it('fails the whole batch when a held delivery already has its attempt row (an invariant breach)', async () => {
    const { sut, moves } = fixture({ duplicateRows: 1 });
    const results = await Promise.allSettled([sut.record(input(1n, 1, true)), sut.record(input(2n, 1, true))]);
    expect(results.map((r) => r.status)).toEqual(['rejected', 'rejected']);
    expect(moves).toEqual([]);
  });
});
