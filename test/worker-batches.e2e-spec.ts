import { AttemptResult } from '@hookline/delivery';
import { AttemptRecorder } from '../apps/worker/src/delivery/attempt-recorder';
import { ClaimBatcher } from '../apps/worker/src/delivery/claim.batcher';
import { LeaseKeeper } from '../apps/worker/src/delivery/lease-keeper';
import { ApiHarness, OrgAdmin, unique } from './support/api-harness';
import { WorkerHarness } from './support/worker-harness';

/**
 * The worker's batched claims and records against PostgreSQL, called directly:
 * these deliveries are inserted by the test and never enqueued (the sweeper is
 * held off), so nothing else touches them.
 */
describe('Worker claims and records (SPEC §7)', () => {
  let api: ApiHarness;
  let worker: WorkerHarness;
  let admin: OrgAdmin;
  let webhookId: number;

  beforeAll(async () => {
    api = await ApiHarness.start();
    worker = await WorkerHarness.start({ HOOKLINE_SWEEP_INTERVAL_MS: '3600000', HOOKLINE_SWEEP_GRACE_MS: '3600000', HOOKLINE_REQUEST_TIMEOUT_MS: '1000', HOOKLINE_CLAIM_LEASE_MS: '60000' });
    admin = await api.newOrg(unique('batches'));
    const res = await api
      .http()
      .post('/api/v1/organization/webhooks')
      .auth(admin.token, { type: 'bearer' })
      .send({ name: unique('hook'), triggerType: 'DEVICE_ADDED', url: 'http://127.0.0.1:9/unused' });
    expect(res.status).toBe(201);
    webhookId = res.body.id;
  });
  afterAll(async () => {
    await worker.close();
    await api.close();
  });

  /** Deliveries that exist only in PostgreSQL: committed, never enqueued. */
  async function newDeliveries(n: number): Promise<bigint[]> {
    const ids: bigint[] = [];
    for (let i = 0; i < n; i++) {
      const event = await api.prisma.event.create({
        data: { organizationId: admin.organizationId, eventId: crypto.randomUUID(), eventType: 'device.added', payload: { event_type: 'device.added' }, occurredAt: new Date(), matchedWebhooks: 1 },
      });
      const d = await api.prisma.delivery.create({ data: { organizationId: admin.organizationId, webhookId, eventRowId: event.id, eventType: 'device.added' } });
      ids.push(d.id);
    }
    return ids;
  }

  const failure = (): AttemptResult => ({ ...success(), responseStatus: 500, outcome: { ok: false, retryable: true, gone: false, unreachable: false } });
  const success = (): AttemptResult => ({
    startedAt: new Date(),
    requestMethod: 'POST',
    requestUrl: 'http://127.0.0.1:9/unused',
    responseStatus: 200,
    durationMs: 3,
    responseBody: 'ok',
    error: null,
    outcome: { ok: true, retryable: false, gone: false, unreachable: false },
    retryAfterMs: null,
  });

  const stored = async (id: bigint) => (await api.prisma.delivery.findUniqueOrThrow({ where: { id } })).claimExpiresAt!;

  it('a lease is kept while held, only while it is still the one this worker took; a record presenting a lost lease is refused', async () => {
    const claims = worker.get(ClaimBatcher);
    const leases = worker.get(LeaseKeeper);
    const recorder = worker.get(AttemptRecorder);
    const [id] = await newDeliveries(1);
    const first = await claims.claim({ deliveryId: id, attempt: 1 });
    expect(first.kind).toBe('claimed');
    if (first.kind !== 'claimed') return;
    expect(first.lease.expiresAt).toEqual(await stored(id));
    // Held: nobody else gets attempt 1 now.
    expect((await claims.claim({ deliveryId: id, attempt: 1 })).kind).toBe('skipped');

    // Less than half of it left (as after a long wait for a token): the keeper renews it.
    const taken = first.lease.expiresAt;
    first.lease.deadline = Date.now();
    await new Promise((r) => setTimeout(r, 20));
    await leases.renewDue();
    expect(first.lease.expiresAt.getTime()).toBeGreaterThan(taken.getTime());
    expect(await stored(id)).toEqual(first.lease.expiresAt);

    // The lease runs out anyway (say the worker stalled) and another worker claims the attempt.
    await api.prisma.delivery.update({ where: { id }, data: { claimExpiresAt: new Date(Date.now() - 1000) } });
    const second = await claims.claim({ deliveryId: id, attempt: 1 });
    expect(second.kind).toBe('claimed');
    if (second.kind !== 'claimed') return;
    const secondLease = await stored(id);
    // The first worker's lease is gone for good: not renewed, and its record is refused.
    first.lease.deadline = Date.now();
    await leases.renewDue();
    expect(await stored(id)).toEqual(secondLease);
    const late = await recorder.record({ deliveryId: id, webhookId, attempt: 1, lease: await leases.release(first.lease), result: success(), retryDelayMs: null });
    expect(late.recorded).toBe(false);
    expect(await api.prisma.attempt.count({ where: { deliveryId: id } })).toBe(0);
    // The same with a failure.
    const lateFailure = await recorder.record({ deliveryId: id, webhookId, attempt: 1, lease: first.lease.expiresAt, result: failure(), retryDelayMs: 1000 });
    expect(lateFailure.recorded).toBe(false);
    expect(await api.prisma.attempt.count({ where: { deliveryId: id } })).toBe(0);
    // The worker that holds it records.
    const owner = await recorder.record({ deliveryId: id, webhookId, attempt: 1, lease: await leases.release(second.lease), result: success(), retryDelayMs: null });
    expect(owner).toMatchObject({ recorded: true, status: 'SUCCEEDED' });
  });

  /** Claims attempt 1 of each delivery and releases the leases: what a worker presents when it records. */
  async function claimed(ids: bigint[]): Promise<Date[]> {
    const claims = worker.get(ClaimBatcher);
    return Promise.all(
      ids.map(async (deliveryId) => {
        const c = await claims.claim({ deliveryId, attempt: 1 });
        if (c.kind !== 'claimed') throw new Error(`delivery ${deliveryId} not claimed: ${c.kind}`);
        return worker.get(LeaseKeeper).release(c.lease);
      }),
    );
  }

  it('records a batch of successes in one transaction: attempt rows, counters, SUCCEEDED; a duplicate records nothing', async () => {
    const recorder = worker.get(AttemptRecorder);
    const ids = await newDeliveries(3);
    const before = await api.prisma.webhook.findUniqueOrThrow({ where: { id: webhookId } });
    await api.prisma.webhook.update({ where: { id: webhookId }, data: { consecutiveFailures: 2 } });

    const leases = await claimed(ids);
    const outcomes = await Promise.all(ids.map((deliveryId, i) => recorder.record({ deliveryId, webhookId, attempt: 1, lease: leases[i], result: success(), retryDelayMs: null })));
    expect(outcomes.map((o) => [o.recorded, o.status])).toEqual(ids.map(() => [true, 'SUCCEEDED']));

    const after = await api.prisma.webhook.findUniqueOrThrow({ where: { id: webhookId } });
    expect(after.totalAttempts).toBe(before.totalAttempts + 3);
    expect(after.consecutiveFailures).toBe(0);
    expect(after.lastTriggeredAt).not.toBeNull();
    const rows = await api.prisma.delivery.findMany({ where: { id: { in: ids } }, include: { attempts: true } });
    for (const d of rows) {
      expect(d).toMatchObject({ status: 'SUCCEEDED', attemptCount: 1, claimExpiresAt: null });
      expect(d.completedAt).not.toBeNull();
      expect(d.attempts).toHaveLength(1);
    }

    // The same attempt again (a job run twice): nothing changes.
    const again = await recorder.record({ deliveryId: ids[0], webhookId, attempt: 1, lease: leases[0], result: success(), retryDelayMs: null });
    expect(again.recorded).toBe(false);
    expect((await api.prisma.webhook.findUniqueOrThrow({ where: { id: webhookId } })).totalAttempts).toBe(after.totalAttempts);
    expect(await api.prisma.attempt.count({ where: { deliveryId: ids[0] } })).toBe(1);
  });

  it('a webhook disabled for its failures keeps the count that disabled it when attempts in flight end late', async () => {
    const recorder = worker.get(AttemptRecorder);
    const [late, lateFailure] = await newDeliveries(2);
    const leases = await claimed([late, lateFailure]);
    // Disabled while these two were on the wire.
    await api.prisma.webhook.update({ where: { id: webhookId }, data: { status: 'DISABLED_DUE_TO_ERRORS', consecutiveFailures: 10, disabledAt: new Date() } });
    try {
      const before = await api.prisma.webhook.findUniqueOrThrow({ where: { id: webhookId } });
      expect(await recorder.record({ deliveryId: late, webhookId, attempt: 1, lease: leases[0], result: success(), retryDelayMs: null })).toMatchObject({ recorded: true, status: 'SUCCEEDED' });
      expect(await recorder.record({ deliveryId: lateFailure, webhookId, attempt: 1, lease: leases[1], result: failure(), retryDelayMs: 1000 })).toMatchObject({ recorded: true, disabledWebhook: false });
      const after = await api.prisma.webhook.findUniqueOrThrow({ where: { id: webhookId } });
      expect(after).toMatchObject({ status: 'DISABLED_DUE_TO_ERRORS', consecutiveFailures: 10, totalAttempts: before.totalAttempts + 2 });
    } finally {
      await api.prisma.webhook.update({ where: { id: webhookId }, data: { status: 'ENABLED', consecutiveFailures: 0, disabledAt: null } });
    }
  });

  it('keeps nothing of a batch in which a delivery would move on without its attempt recorded', async () => {
    const recorder = worker.get(AttemptRecorder);
    const [ok, broken] = await newDeliveries(2);
    const leases = await claimed([ok, broken]);
    // An attempt row for `broken` that its delivery never counted: recording attempt 1 again would move
    // the delivery on while its attempt row is not new, an invariant breach.
    await api.prisma.attempt.create({ data: { deliveryId: broken, number: 1, startedAt: new Date(), requestMethod: 'POST', requestUrl: 'http://127.0.0.1:9/unused', durationMs: 1 } });
    const before = await api.prisma.webhook.findUniqueOrThrow({ where: { id: webhookId } });

    const results = await Promise.allSettled([ok, broken].map((deliveryId, i) => recorder.record({ deliveryId, webhookId, attempt: 1, lease: leases[i], result: success(), retryDelayMs: null })));
    expect(results.map((r) => r.status)).toEqual(['rejected', 'rejected']);
    expect(String((results[0] as PromiseRejectedResult).reason)).toMatch(/moved on without their attempt recorded/);

    expect(await api.prisma.attempt.count({ where: { deliveryId: ok } })).toBe(0);
    expect(await api.prisma.delivery.findUniqueOrThrow({ where: { id: ok } })).toMatchObject({ status: 'PENDING', attemptCount: 0 });
    expect(await api.prisma.delivery.findUniqueOrThrow({ where: { id: broken } })).toMatchObject({ status: 'PENDING', attemptCount: 0 });
    expect((await api.prisma.webhook.findUniqueOrThrow({ where: { id: webhookId } })).totalAttempts).toBe(before.totalAttempts);
    // The broken row would fail every later batch it joins, in other test files too (they share the database).
    await api.prisma.delivery.deleteMany({ where: { id: { in: [ok, broken] } } });
  });
});
