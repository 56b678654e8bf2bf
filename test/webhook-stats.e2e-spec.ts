import { ApiHarness, OrgAdmin, unique } from './support/api-harness';
import { Receiver, eventually } from './support/receiver';
import { WorkerHarness } from './support/worker-harness';

const DEVICE = '6f1c1a52-3b0e-4c7d-9a51-2f7a4f8b9c01';

/** GET /webhooks/{id}/stats (issue #14.6): the console's pictures, from the attempt log. */
describe('webhook stats', () => {
  let api: ApiHarness;
  let worker: WorkerHarness;
  let admin: OrgAdmin;
  let rx: Receiver;
  let webhookId: number;
  const get = (path: string, token = admin.token) => api.http().get(path).auth(token, { type: 'bearer' });

  beforeAll(async () => {
    rx = await Receiver.start();
    api = await ApiHarness.start();
    worker = await WorkerHarness.start({ HOOKLINE_RETRY_SCHEDULE: '' });
    admin = await api.newOrg(unique('stats'));
    // Three of four answered 2xx: the 4th event's level is 0.4.
    rx.respond((r) => (r.body.includes('0.4') ? { status: 500 } : { status: 200 }));
    const created = await api.http().post('/api/v1/organization/webhooks').auth(admin.token, { type: 'bearer' }).send({ name: 'stats', triggerType: 'DEVICE_LOW_BATTERY', url: rx.url('/stats'), bodyTemplate: '{"l": {battery_level}}' });
    webhookId = created.body.id;
    for (const level of [0.1, 0.2, 0.3, 0.4]) {
      await api.http().post('/api/v1/organization/events').auth(admin.token, { type: 'bearer' }).send({ event_type: 'device.low_battery', device_id: DEVICE, battery_level: level });
    }
    await eventually(async () => (await api.prisma.delivery.count({ where: { webhookId, status: { in: ['SUCCEEDED', 'FAILED'] } } })) === 4, 15_000, 'four deliveries settled');
  });
  afterAll(async () => {
    await worker.close();
    await api.close();
    await rx.close();
  });

  it('counts the attempts of the window per minute and in total, with success rate and duration percentiles', async () => {
    const res = await get(`/api/v1/organization/webhooks/${webhookId}/stats`);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ webhookId, attempts: 4, succeeded: 3, successRate: 0.75, p50Ms: expect.any(Number), p95Ms: expect.any(Number) });
    expect(res.body.to - res.body.from).toBe(24 * 3600_000);
    expect(res.body.p95Ms).toBeGreaterThanOrEqual(res.body.p50Ms);
    const minutes = res.body.minutes as { minute: number; attempts: number; succeeded: number }[];
    expect(minutes.reduce((n, m) => n + m.attempts, 0)).toBe(4);
    expect(minutes.reduce((n, m) => n + m.succeeded, 0)).toBe(3);
    for (const m of minutes) expect(m.minute % 60_000).toBe(0);
  });

  it('leaves out attempts before the window, and takes a longer one', async () => {
    const old = await api.prisma.attempt.findFirstOrThrow({ where: { delivery: { webhookId }, responseStatus: 500 } });
    await api.prisma.attempt.update({ where: { deliveryId_number: { deliveryId: old.deliveryId, number: old.number } }, data: { startedAt: new Date(Date.now() - 48 * 3600_000) } });
    expect((await get(`/api/v1/organization/webhooks/${webhookId}/stats`)).body).toMatchObject({ attempts: 3, succeeded: 3, successRate: 1 });
    expect((await get(`/api/v1/organization/webhooks/${webhookId}/stats?hours=72`)).body).toMatchObject({ attempts: 4, succeeded: 3 });
  });

  it("is the organization's own: another organization gets 404; bad windows are 400s", async () => {
    const other = await api.newOrg(unique('stats-other'));
    expect((await get(`/api/v1/organization/webhooks/${webhookId}/stats`, other.token)).status).toBe(404);
    const zero = await get(`/api/v1/organization/webhooks/${webhookId}/stats?hours=0`);
    expect(zero.status).toBe(400);
    expect(zero.body.details).toEqual([{ field: 'hours', message: 'hours must not be less than 1' }]);
    expect((await get(`/api/v1/organization/webhooks/${webhookId}/stats?hours=abc`)).body.details).toEqual([{ field: 'hours', message: 'hours must be an integer' }]);
    const empty = await api.http().post('/api/v1/organization/webhooks').auth(other.token, { type: 'bearer' }).send({ name: 'none yet', triggerType: 'DEVICE_ADDED', url: rx.url('/none') });
    expect((await get(`/api/v1/organization/webhooks/${empty.body.id}/stats`, other.token)).body).toMatchObject({ attempts: 0, succeeded: 0, successRate: null, p50Ms: null, minutes: [] });
  });
});
