import { AttemptResult } from '@hookline/delivery';
import { AttemptRecorder } from '../apps/worker/src/delivery/attempt-recorder';
import { ClaimBatcher } from '../apps/worker/src/delivery/claim.batcher';
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

  const success = (): AttemptResult => ({
    startedAt: new Date(),
    requestMethod: 'POST',
    requestUrl: 'http://127.0.0.1:9/unused',
    responseStatus: 200,
    durationMs: 3,
    responseBody: 'ok',
    error: null,
    outcome: { ok: true, retryable: false, gone: false },
    retryAfterMs: null,
  });

  it('a lease is renewed only while it is still the one this worker took', async () => {
    const claims = worker.get(ClaimBatcher);
    const [id] = await newDeliveries(1);
    const first = await claims.claim({ deliveryId: id, attempt: 1 });
    expect(first.kind).toBe('claimed');
    if (first.kind !== 'claimed') return;
    // Held: nobody else gets attempt 1 now.
    expect((await claims.claim({ deliveryId: id, attempt: 1 })).kind).toBe('skipped');

    await new Promise((r) => setTimeout(r, 20));
    expect(await claims.renew({ deliveryId: id, attempt: 1 }, first.leaseExpiresAt)).toBe(true);
    const renewed = await api.prisma.delivery.findUniqueOrThrow({ where: { id } });
    expect(renewed.claimExpiresAt!.getTime()).toBeGreaterThan(first.leaseExpiresAt.getTime());
    // The value it held before is no longer the stored one.
    expect(await claims.renew({ deliveryId: id, attempt: 1 }, first.leaseExpiresAt)).toBe(false);

    // The lease runs out and another worker claims the attempt: the first worker's lease is gone for good.
    await api.prisma.delivery.update({ where: { id }, data: { claimExpiresAt: new Date(Date.now() - 1000) } });
    const second = await claims.claim({ deliveryId: id, attempt: 1 });
    expect(second.kind).toBe('claimed');
    if (second.kind !== 'claimed') return;
    expect(await claims.renew({ deliveryId: id, attempt: 1 }, renewed.claimExpiresAt!)).toBe(false);
    expect(await claims.renew({ deliveryId: id, attempt: 1 }, second.leaseExpiresAt)).toBe(true);
    // Wrong attempt number: not renewed.
    expect(await claims.renew({ deliveryId: id, attempt: 2 }, second.leaseExpiresAt)).toBe(false);
  });

  it('records a batch of successes in one statement: attempt rows, counters, SUCCEEDED; a duplicate records nothing', async () => {
    const recorder = worker.get(AttemptRecorder);
    const ids = await newDeliveries(3);
    const before = await api.prisma.webhook.findUniqueOrThrow({ where: { id: webhookId } });
    await api.prisma.webhook.update({ where: { id: webhookId }, data: { consecutiveFailures: 2 } });

    const outcomes = await Promise.all(ids.map((deliveryId) => recorder.record({ deliveryId, webhookId, attempt: 1, result: success(), retryDelayMs: null })));
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
    const again = await recorder.record({ deliveryId: ids[0], webhookId, attempt: 1, result: success(), retryDelayMs: null });
    expect(again.recorded).toBe(false);
    expect((await api.prisma.webhook.findUniqueOrThrow({ where: { id: webhookId } })).totalAttempts).toBe(after.totalAttempts);
    expect(await api.prisma.attempt.count({ where: { deliveryId: ids[0] } })).toBe(1);
  });

  it('keeps nothing of a batch in which a delivery did not move on with its attempt', async () => {
    const recorder = worker.get(AttemptRecorder);
    const [ok, moved] = await newDeliveries(2);
    // Attempt 1 of `moved` is recorded as if attempt 1 had already been counted: an invariant breach.
    await api.prisma.delivery.update({ where: { id: moved }, data: { attemptCount: 1 } });
    const before = await api.prisma.webhook.findUniqueOrThrow({ where: { id: webhookId } });

    const results = await Promise.allSettled([ok, moved].map((deliveryId) => recorder.record({ deliveryId, webhookId, attempt: 1, result: success(), retryDelayMs: null })));
    expect(results.map((r) => r.status)).toEqual(['rejected', 'rejected']);
    expect(String((results[0] as PromiseRejectedResult).reason)).toMatch(/moved on under their recorded attempt/);

    expect(await api.prisma.attempt.count({ where: { deliveryId: { in: [ok, moved] } } })).toBe(0);
    expect(await api.prisma.delivery.findUniqueOrThrow({ where: { id: ok } })).toMatchObject({ status: 'PENDING', attemptCount: 0 });
    expect((await api.prisma.webhook.findUniqueOrThrow({ where: { id: webhookId } })).totalAttempts).toBe(before.totalAttempts);
  });
});
