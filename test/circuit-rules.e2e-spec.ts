import { AttemptResult } from '@hookline/delivery';
import { WebhookCountersRepository } from '@hookline/db';
import { AttemptRecorder } from '../apps/worker/src/delivery/attempt-recorder';
import { ClaimBatcher } from '../apps/worker/src/delivery/claim.batcher';
import { LeaseKeeper } from '../apps/worker/src/delivery/lease-keeper';
import { ApiHarness, OrgAdmin, unique } from './support/api-harness';
import { WorkerHarness } from './support/worker-harness';

const PAUSE_MS = 60_000;

/**
 * The circuit breaker's and the rate limit's statements (issue #11) against
 * PostgreSQL, called directly on deliveries that are never enqueued: how
 * recorded attempts move the circuit, that exactly one worker gets the
 * half-open probe, and that no two attempts get the same rate-limit slot.
 */
describe('Circuit breaker and rate limit rules (issue #11)', () => {
  let api: ApiHarness;
  let worker: WorkerHarness;
  let admin: OrgAdmin;

  beforeAll(async () => {
    api = await ApiHarness.start();
    worker = await WorkerHarness.start({
      HOOKLINE_SWEEP_INTERVAL_MS: '3600000',
      HOOKLINE_SWEEP_GRACE_MS: '3600000',
      HOOKLINE_REQUEST_TIMEOUT_MS: '1000',
      HOOKLINE_CLAIM_LEASE_MS: '60000',
      HOOKLINE_CIRCUIT_FAILURE_THRESHOLD: '3',
      HOOKLINE_CIRCUIT_PAUSE_MS: String(PAUSE_MS),
      HOOKLINE_CIRCUIT_MAX_PAUSE_MS: String(3 * PAUSE_MS),
    });
    admin = await api.newOrg(unique('circuit'));
  });
  afterAll(async () => {
    await worker.close();
    await api.close();
  });

  async function newWebhook(): Promise<number> {
    const res = await api.http().post('/api/v1/organization/webhooks').auth(admin.token, { type: 'bearer' }).send({ name: unique('hook'), triggerType: 'DEVICE_ADDED', url: 'http://127.0.0.1:9/unused', failureLimit: 1000 });
    expect(res.status).toBe(201);
    return res.body.id;
  }

  async function newDeliveries(webhookId: number, n: number): Promise<bigint[]> {
    const ids: bigint[] = [];
    for (let i = 0; i < n; i++) {
      const event = await api.prisma.event.create({
        data: { organizationId: admin.organizationId, eventId: crypto.randomUUID(), eventType: 'device.added', payload: { event_type: 'device.added' }, occurredAt: new Date(), matchedWebhooks: 1 },
      });
      ids.push((await api.prisma.delivery.create({ data: { organizationId: admin.organizationId, webhookId, eventRowId: event.id, eventType: 'device.added' } })).id);
    }
    return ids;
  }

  const result = (kind: 'timeout' | 'ok' | 'http500' | 'render'): AttemptResult => ({
    startedAt: new Date(),
    requestMethod: 'POST',
    requestUrl: 'http://127.0.0.1:9/unused',
    responseStatus: kind === 'ok' ? 200 : kind === 'http500' ? 500 : null,
    durationMs: 3,
    responseBody: null,
    error: kind === 'timeout' ? 'timeout error: 1000 ms' : kind === 'render' ? 'render error: bad' : null,
    outcome: { ok: kind === 'ok', retryable: kind !== 'ok' && kind !== 'render', gone: false, unreachable: kind === 'timeout' },
    retryAfterMs: null,
  });

  /** Claims and records one attempt of a new delivery with the given result, as a worker would. */
  async function attempt(webhookId: number, kind: Parameters<typeof result>[0]) {
    const [deliveryId] = await newDeliveries(webhookId, 1);
    const c = await worker.get(ClaimBatcher).claim({ deliveryId, attempt: 1 });
    if (c.kind !== 'claimed') throw new Error(`not claimed: ${c.kind}`);
    const lease = await worker.get(LeaseKeeper).release(c.lease);
    const outcome = await worker.get(AttemptRecorder).record({ deliveryId, webhookId, attempt: 1, lease, result: result(kind), retryDelayMs: null });
    expect(outcome.recorded).toBe(true);
    return c;
  }

  const circuit = (id: number) => api.prisma.webhook.findUniqueOrThrow({ where: { id }, select: { circuitFailures: true, circuitTrips: true, circuitOpenUntil: true, circuitProbeAt: true, consecutiveFailures: true, totalAttempts: true } });
  const endPause = (id: number) => api.prisma.webhook.update({ where: { id }, data: { circuitOpenUntil: new Date(Date.now() - 1) } });

  it('opens at the threshold of timeouts in a row; attempts sent before it opened only add to the count; a failed probe opens it again for twice the pause; an answer closes it', async () => {
    const id = await newWebhook();
    await attempt(id, 'timeout');
    await attempt(id, 'http500'); // an answer: the count starts again
    await attempt(id, 'timeout');
    await attempt(id, 'render'); // never sent: leaves the count
    await attempt(id, 'timeout');
    expect(await circuit(id)).toMatchObject({ circuitFailures: 2, circuitOpenUntil: null, consecutiveFailures: 5, totalAttempts: 5 });

    const beforeOpen = Date.now();
    await attempt(id, 'timeout');
    const opened = await circuit(id);
    expect(opened).toMatchObject({ circuitFailures: 3, circuitTrips: 1, circuitProbeAt: null });
    expect(opened.circuitOpenUntil!.getTime()).toBeGreaterThanOrEqual(beforeOpen + PAUSE_MS - 1000);

    // An attempt that was on the wire when it opened: counted as always, the pause stays.
    await attempt(id, 'timeout');
    expect(await circuit(id)).toMatchObject({ circuitFailures: 4, circuitTrips: 1, circuitOpenUntil: opened.circuitOpenUntil, consecutiveFailures: 7, totalAttempts: 7 });
    // Claims see it open.
    const [held] = await newDeliveries(id, 1);
    const c = await worker.get(ClaimBatcher).claim({ deliveryId: held, attempt: 1 });
    expect(c.kind === 'claimed' && c.circuit).toEqual({ openUntil: opened.circuitOpenUntil, probeAt: null });
    if (c.kind === 'claimed') await worker.get(ClaimBatcher).giveBack(c.lease, { reason: 'CIRCUIT_OPEN', until: opened.circuitOpenUntil! });
    expect(await api.prisma.delivery.findUniqueOrThrow({ where: { id: held } })).toMatchObject({ heldReason: 'CIRCUIT_OPEN', nextAttemptAt: opened.circuitOpenUntil, claimExpiresAt: null, attemptCount: 0 });

    // Half-open: the probe goes, times out, and the circuit opens again for twice as long.
    await endPause(id);
    expect(await worker.get(WebhookCountersRepository).takeProbe(id, 5000)).toBe(true);
    const beforeReopen = Date.now();
    await attempt(id, 'timeout');
    const reopened = await circuit(id);
    expect(reopened).toMatchObject({ circuitTrips: 2, circuitProbeAt: null });
    expect(reopened.circuitOpenUntil!.getTime()).toBeGreaterThanOrEqual(beforeReopen + 2 * PAUSE_MS - 1000);

    // The next probe gets an answer (a 500 is an answer): closed, and the failure counted as ever.
    await endPause(id);
    expect(await worker.get(WebhookCountersRepository).takeProbe(id, 5000)).toBe(true);
    await attempt(id, 'http500');
    expect(await circuit(id)).toMatchObject({ circuitFailures: 0, circuitTrips: 0, circuitOpenUntil: null, circuitProbeAt: null, consecutiveFailures: 9, totalAttempts: 9 });
  });

  it('the pause doubles with each opening up to its maximum', async () => {
    const id = await newWebhook();
    await api.prisma.webhook.update({ where: { id }, data: { circuitFailures: 10, circuitTrips: 5, circuitOpenUntil: new Date(Date.now() - 1), circuitProbeAt: new Date() } });
    const before = Date.now();
    await attempt(id, 'timeout');
    const c = await circuit(id);
    expect(c.circuitTrips).toBe(6);
    // 2^5 pauses would be 32: the maximum is 3.
    expect(c.circuitOpenUntil!.getTime()).toBeGreaterThanOrEqual(before + 3 * PAUSE_MS - 1000);
    expect(c.circuitOpenUntil!.getTime()).toBeLessThanOrEqual(Date.now() + 3 * PAUSE_MS + 1000);
  });

  it('exactly one of many concurrent askers gets the half-open probe; a probe out too long is given again', async () => {
    const id = await newWebhook();
    await api.prisma.webhook.update({ where: { id }, data: { circuitFailures: 3, circuitTrips: 1, circuitOpenUntil: new Date(Date.now() - 1) } });
    // Each call on its own connection (the repository's pool holds several): they race in PostgreSQL.
    const repos = [worker.get(WebhookCountersRepository), api.app.get(WebhookCountersRepository)];
    const won = await Promise.all(Array.from({ length: 40 }, (_, i) => repos[i % 2].takeProbe(id, 60_000)));
    expect(won.filter(Boolean)).toHaveLength(1);
    // Its worker died with it: after the probe's time another one may go, again only one.
    await api.prisma.webhook.update({ where: { id }, data: { circuitProbeAt: new Date(Date.now() - 61_000) } });
    const again = await Promise.all(Array.from({ length: 40 }, (_, i) => repos[i % 2].takeProbe(id, 60_000)));
    expect(again.filter(Boolean)).toHaveLength(1);
    // While open, nobody gets it.
    await api.prisma.webhook.update({ where: { id }, data: { circuitOpenUntil: new Date(Date.now() + 60_000), circuitProbeAt: null } });
    expect(await repos[0].takeProbe(id, 60_000)).toBe(false);
  });

  it('rate-limit slots: concurrent attempts each get their own, 60 / perMinute seconds apart', async () => {
    const id = await newWebhook();
    const repos = [worker.get(WebhookCountersRepository), api.app.get(WebhookCountersRepository)];
    const before = Date.now();
    const slots = (await Promise.all(Array.from({ length: 30 }, (_, i) => repos[i % 2].reserveSlot(id, 600)))).map((d) => d.getTime()).sort((a, b) => a - b);
    expect(slots[0]).toBeGreaterThanOrEqual(before - 5);
    // 600 a minute: one slot every 100 ms, none shared.
    for (let i = 1; i < slots.length; i++) expect(slots[i] - slots[i - 1]).toBeGreaterThanOrEqual(99);
    expect(slots[29] - slots[0]).toBeGreaterThanOrEqual(29 * 100 - 30);
  });
});
