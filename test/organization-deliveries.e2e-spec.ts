import { ApiHarness, OrgAdmin, unique } from './support/api-harness';
import { Receiver, eventually } from './support/receiver';
import { WorkerHarness } from './support/worker-harness';

const DEVICE = '6f1c1a52-3b0e-4c7d-9a51-2f7a4f8b9c01';

/** GET /organization/deliveries (issue #14.5): the log across webhooks, narrowed by webhook, status, event type, event id, time. */
describe('the organization-wide delivery log', () => {
  let api: ApiHarness;
  let worker: WorkerHarness;
  let rx: Receiver;
  let admin: OrgAdmin;
  const hooks: Record<'ok' | 'failing' | 'added', number> = { ok: 0, failing: 0, added: 0 };
  let lowBatteryEventId: string;
  const search = async (query: string, token = admin.token) => {
    const res = await api.http().get(`/api/v1/organization/deliveries?${query}`).auth(token, { type: 'bearer' });
    return res;
  };
  const webhooksOf = (res: { body: { items: { webhookId: number }[] } }) => res.body.items.map((d) => d.webhookId).sort();

  beforeAll(async () => {
    rx = await Receiver.start();
    rx.respond((r) => (r.url.startsWith('/failing') ? { status: 500 } : { status: 200 }));
    api = await ApiHarness.start();
    worker = await WorkerHarness.start({ HOOKLINE_RETRY_SCHEDULE: '' });
    admin = await api.newOrg(unique('org-log'));
    const create = async (path: string, triggerType: string) =>
      (await api.http().post('/api/v1/organization/webhooks').auth(admin.token, { type: 'bearer' }).send({ name: path, triggerType, url: rx.url(path), failureLimit: 100 })).body.id as number;
    hooks.ok = await create('/ok', 'DEVICE_LOW_BATTERY');
    hooks.failing = await create('/failing', 'DEVICE_LOW_BATTERY');
    hooks.added = await create('/added', 'DEVICE_ADDED');
    const publish = (event: object) => api.http().post('/api/v1/organization/events').auth(admin.token, { type: 'bearer' }).send(event);
    lowBatteryEventId = (await publish({ event_type: 'device.low_battery', device_id: DEVICE, battery_level: 0.2 })).body.eventId;
    await publish({ event_type: 'device.added', device_id: DEVICE });
    await eventually(async () => (await api.prisma.delivery.count({ where: { organizationId: admin.organizationId, status: { not: 'PENDING' } } })) === 3, 15_000, 'three deliveries settled');
  });
  afterAll(async () => {
    await worker.close();
    await api.close();
    await rx.close();
  });

  it('lists every delivery of the organization, newest first, with attempts', async () => {
    const all = await search('');
    expect(all.status).toBe(200);
    expect(all.body.total).toBe(3);
    expect(webhooksOf(all)).toEqual([hooks.ok, hooks.failing, hooks.added].sort());
    const ids = all.body.items.map((d: { id: number }) => d.id);
    expect(ids).toEqual([...ids].sort((a, b) => b - a));
    expect(all.body.items.every((d: { attempts: unknown[] }) => d.attempts.length === 1)).toBe(true);
  });

  it('narrows by webhook, status, event type, event id and time', async () => {
    expect(webhooksOf(await search(`webhookId=${hooks.failing}`))).toEqual([hooks.failing]);
    expect(webhooksOf(await search('status=FAILED'))).toEqual([hooks.failing]);
    expect(webhooksOf(await search('eventType=device.added'))).toEqual([hooks.added]);
    expect(webhooksOf(await search(`eventId=${lowBatteryEventId.toUpperCase()}`))).toEqual([hooks.ok, hooks.failing].sort());
    expect((await search(`from=${Date.now() + 60_000}`)).body.total).toBe(0);
    expect((await search(`to=${Date.now() + 60_000}&from=0`)).body.total).toBe(3);
    expect((await search('status=SUCCEEDED&eventType=device.low_battery')).body.items.map((d: { webhookId: number }) => d.webhookId)).toEqual([hooks.ok]);
  });

  it("shows another organization none of them, and names bad filters", async () => {
    const other = await api.newOrg(unique('org-log-other'));
    expect((await search('', other.token)).body).toMatchObject({ total: 0, items: [] });
    expect((await search(`webhookId=${hooks.ok}`, other.token)).body.total).toBe(0);
    const bad = await search('eventId=nope&status=DONE');
    expect(bad.status).toBe(400);
    expect(bad.body.details.map((d: { field: string }) => d.field).sort()).toEqual(['eventId', 'status']);
  });
});
