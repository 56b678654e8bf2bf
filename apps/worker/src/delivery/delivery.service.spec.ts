import type { AttemptResult } from '@hookline/delivery';
import type { RecordInput, RecordOutcome } from './attempt-recorder';
import { AttemptSettler } from './attempt-settler';
import type { ClaimRequest, Hold } from './claim.batcher';
import { DeliveryService } from './delivery.service';

/** A promise settled from outside. */
function deferred<T>() {
  let resolve!: (v: T) => void;
  const promise = new Promise<T>((r) => (resolve = r));
  return { promise, resolve };
}
const tick = () => new Promise((r) => setImmediate(r));

const ok = (): AttemptResult => ({
  startedAt: new Date(),
  requestMethod: 'POST',
  requestUrl: 'http://x.test/',
  responseStatus: 200,
  durationMs: 1,
  responseBody: null,
  error: null,
  outcome: { ok: true, retryable: false, gone: false, unreachable: false },
  retryAfterMs: null,
});
const recorded: RecordOutcome = { recorded: true, status: 'SUCCEEDED', disabledWebhook: false, notificationIds: [], cancelledDeliveries: 0 };

/**
 * DeliveryService with the claim, lease, send and record steps replaced by
 * ones the test holds open, to see the order of the steps and how many
 * attempts are in which (the steps themselves run for real in the e2e tests).
 */
function fixture(concurrency: number, webhookMaxConcurrency = concurrency, gateHold: Hold | null = null) {
  const claimed: bigint[] = [];
  const sends = new Map<bigint, ReturnType<typeof deferred<AttemptResult>>>();
  const records: RecordInput[] = [];
  let recordGate = Promise.resolve();
  const renewed = new Date('2030-01-01T00:00:00Z');
  const givenBack: bigint[] = [];
  const holds: Hold[] = [];
  const claims = {
    giveBack: async (lease: { deliveryId: bigint }, hold: Hold) => void (givenBack.push(lease.deliveryId), holds.push(hold)),
    claim: async (r: ClaimRequest) => {
      claimed.push(r.deliveryId);
      return { kind: 'claimed', webhookId: 1, organizationId: 1, payload: {}, lease: { deliveryId: r.deliveryId, attempt: r.attempt, expiresAt: new Date(), deadline: 0 } };
    },
  };
  // The keeper renewed the lease while the attempt was on the wire: the record must present the new value.
  const leases = { release: async () => renewed };
  const definitions = { get: (id: number) => ({ id, rateLimitPerMinute: null, maxConcurrency: null }) };
  const gate = { admit: async () => gateHold };
  const executor = {
    execute: (_w: unknown, _p: unknown, messageId: string) => {
      const d = deferred<AttemptResult>();
      sends.set(BigInt(messageId.slice(4)), d);
      return d.promise;
    },
  };
  const recorder = { record: async (i: RecordInput) => (records.push(i), await recordGate, recorded) };
  const queue = { enqueueAttempts: async () => undefined, enqueueEmails: async () => undefined };
  const metrics = { deliveries: { inc: () => undefined }, attemptDuration: { observe: () => undefined }, heldBack: { inc: () => undefined } };
  const config = { get: (k: string) => ({ retryScheduleMs: [1000], workerConcurrency: concurrency, webhookMaxConcurrency, requestTimeoutMs: 2000 })[k] };
  const settler = new AttemptSettler(recorder as never, queue as never, metrics as never, config as never);
  const sut = new DeliveryService(claims as never, leases as never, definitions as never, gate as never, executor as never, settler, metrics as never, config as never);
  return { sut, settler, claimed, sends, records, renewed, givenBack, holds, holdRecords: (p: Promise<void>) => (recordGate = p) };
}

describe(DeliveryService.name, () => {
  it('holds at most twice its concurrency in attempts claimed and not yet sent; a job’s part enters only when it fits whole', async () => {
    const { sut, claimed, sends } = fixture(2);
    const job = sut.runJob([1n, 2n, 3n, 4n, 5n, 6n], 1);
    await tick();
    expect(claimed).toEqual([1n, 2n, 3n, 4n]);
    sends.get(1n)!.resolve(ok());
    await tick();
    // One place is free, the last part needs two.
    expect(claimed).toHaveLength(4);
    sends.get(2n)!.resolve(ok());
    await tick();
    expect(claimed).toEqual([1n, 2n, 3n, 4n, 5n, 6n]);
    // Claimed ahead: 3 and 4 went on the wire when 1 and 2 gave their request permits back; 5 and 6 wait for theirs.
    expect([...sends.keys()]).toEqual([1n, 2n, 3n, 4n]);
    for (const id of [3n, 4n]) sends.get(id)!.resolve(ok());
    await tick();
    for (const id of [5n, 6n]) sends.get(id)!.resolve(ok());
    expect((await (await job).settled).map((r) => r.status === 'fulfilled' && r.value)).toEqual(Array(6).fill('succeeded'));
  });

  it('gives an attempt’s place back before its record, so the next ones are sent while earlier ones wait for their commit', async () => {
    const { sut, sends, holdRecords } = fixture(1);
    const commit = deferred<void>();
    holdRecords(commit.promise);
    const jobs = [];
    // Two places (twice the concurrency): were they held until the commit, the third attempt would wait.
    for (const id of [1n, 2n, 3n]) {
      jobs.push(sut.runJob([id], 1));
      await tick();
      expect(sends.has(id)).toBe(true);
      sends.get(id)!.resolve(ok());
      await tick();
    }
    commit.resolve();
    await Promise.all(jobs);
  });

  it('answers a job once its attempts are past their requests; their records, and the job’s outcomes, follow', async () => {
    const { sut, settler, sends, records, holdRecords } = fixture(2);
    const commit = deferred<void>();
    holdRecords(commit.promise);
    const job = sut.runJob([1n, 2n], 1);
    await tick();
    for (const id of [1n, 2n]) sends.get(id)!.resolve(ok());
    const run = await job;
    expect(run.failure).toBeUndefined();
    expect(records.map((r) => r.deliveryId)).toEqual([1n, 2n]);
    let ended = false;
    const idle = settler.idle().then(() => (ended = true));
    await tick();
    expect(ended).toBe(false);
    commit.resolve();
    expect((await run.settled).map((r) => r.status === 'fulfilled' && r.value)).toEqual(['succeeded', 'succeeded']);
    await idle;
  });

  it('takes in at most fifty attempts per request permit before their records commit', async () => {
    const { sut, claimed, sends, holdRecords } = fixture(1);
    const commit = deferred<void>();
    holdRecords(commit.promise);
    const jobs = Array.from({ length: 52 }, (_, i) => sut.runJob([BigInt(i + 1)], 1));
    for (let i = 1; i <= 50; i++) {
      while (!sends.has(BigInt(i))) await tick();
      sends.get(BigInt(i))!.resolve(ok());
    }
    await Promise.all(jobs.slice(0, 50));
    await tick();
    // Fifty sent and waiting for their commit: the 51st is not even claimed.
    expect(claimed).toHaveLength(50);
    commit.resolve();
    while (!sends.has(51n)) await tick();
    expect(claimed).toEqual(Array.from({ length: 52 }, (_, i) => BigInt(i + 1)));
    sends.get(51n)!.resolve(ok());
    while (!sends.has(52n)) await tick();
    sends.get(52n)!.resolve(ok());
    await Promise.all(jobs);
  });

  it('hands an attempt back, its claim given up and nothing sent, when its webhook has its cap of requests in flight', async () => {
    // Every attempt here is for webhook 1; it may have two requests in flight.
    const { sut, sends, givenBack, holds } = fixture(10, 2);
    const job = sut.runJob([1n, 2n, 3n], 1);
    await tick();
    expect([...sends.keys()]).toEqual([1n, 2n]);
    // The third waits a moment for one of the two to end, then gives up.
    while (!givenBack.length) await new Promise((r) => setTimeout(r, 5));
    expect(givenBack).toEqual([3n]);
    expect(holds).toEqual([{ reason: 'CONCURRENCY_LIMIT', until: expect.any(Date) }]);
    for (const id of [1n, 2n]) sends.get(id)!.resolve(ok());
    expect((await (await job).settled).map((r) => r.status === 'fulfilled' && r.value)).toEqual(['succeeded', 'succeeded', 'deferred']);
    expect(sends.has(3n)).toBe(false);
  });

  it('hands an attempt back until the time its gate names (open circuit, rate limit), unsent and uncounted', async () => {
    const until = new Date(Date.now() + 60_000);
    const { sut, sends, holds, records } = fixture(10, 10, { reason: 'CIRCUIT_OPEN', until });
    const run = await sut.runJob([1n], 1);
    expect((await run.settled).map((r) => r.status === 'fulfilled' && r.value)).toEqual(['deferred']);
    expect(run.handedBack.get(1n)).toEqual({ organizationId: 1, until });
    expect(holds).toEqual([{ reason: 'CIRCUIT_OPEN', until }]);
    expect(sends.size).toBe(0);
    expect(records).toEqual([]);
  });

  it('records with the lease as it stands after the last renewal', async () => {
    const { sut, sends, records, renewed } = fixture(1);
    const job = sut.runJob([1n], 1);
    await tick();
    sends.get(1n)!.resolve(ok());
    await job;
    expect(records).toEqual([expect.objectContaining({ deliveryId: 1n, attempt: 1, lease: renewed, retryDelayMs: null })]);
  });
});
