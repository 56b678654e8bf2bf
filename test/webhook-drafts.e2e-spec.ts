import { Webhook } from 'standardwebhooks';
import { ApiHarness, OrgAdmin, unique } from './support/api-harness';
import { Receiver } from './support/receiver';

const DEVICE = '6f1c1a52-3b0e-4c7d-9a51-2f7a4f8b9c01';

/** Preview and test-send a webhook before saving it (issue #14.4): nothing stored, nothing counted. */
describe('webhook drafts: preview and test-draft', () => {
  let api: ApiHarness;
  let admin: OrgAdmin;
  let rx: Receiver;
  const draft = (over: Record<string, unknown> = {}) => ({
    name: unique('draft'),
    triggerType: 'DEVICE_LOW_BATTERY',
    url: rx.url('/drafts/{device_id}?level={battery_level}'),
    headers: [{ name: 'X-Org', value: '{organization.name}' }],
    bodyTemplate: '{"level": {battery_level}, "device": "{device_id}"}',
    ...over,
  });
  const post = (path: string, body: object, token = admin.token) => api.http().post(`/api/v1/organization/webhooks/${path}`).auth(token, { type: 'bearer' }).send(body);
  const stored = async () => ({
    webhooks: await api.prisma.webhook.count({ where: { organizationId: admin.organizationId } }),
    deliveries: await api.prisma.delivery.count({ where: { webhook: { organizationId: admin.organizationId } } }),
  });

  beforeAll(async () => {
    rx = await Receiver.start();
    api = await ApiHarness.start();
    admin = await api.newOrg(unique('drafts'));
  });
  afterAll(async () => {
    await api.close();
    await rx.close();
  });

  it('previews the rendered URL, headers and body for a sample event of the trigger, saving nothing', async () => {
    const before = await stored();
    const res = await post('preview', draft());
    expect(res.status).toBe(200);
    const { request, event } = res.body;
    expect(event).toMatchObject({ event_type: 'device.low_battery', device_id: expect.any(String), battery_level: expect.any(Number) });
    expect(request.method).toBe('POST');
    expect(request.url).toBe(rx.url(`/drafts/${event.device_id}?level=${event.battery_level}`));
    expect(JSON.parse(request.body)).toEqual({ level: event.battery_level, device: event.device_id });
    expect(request.headers).toMatchObject({ 'content-type': 'application/json', 'x-org': expect.stringContaining('drafts'), 'user-agent': expect.stringMatching(/^Hookline\//) });
    expect(request.headers['webhook-signature']).toMatch(/^<v1, HMAC-SHA256/);
    expect(await stored()).toEqual(before);
    expect(rx.requests).toHaveLength(0);
  });

  it('renders with the event given, checked like a published one', async () => {
    const res = await post('preview', draft({ event: { event_type: 'device.low_battery', device_id: DEVICE, battery_level: 0.07 } }));
    expect(res.status).toBe(200);
    expect(res.body.request.url).toBe(rx.url(`/drafts/${DEVICE}?level=0.07`));
    const wrongType = await post('preview', draft({ event: { event_type: 'device.added', device_id: DEVICE } }));
    expect(wrongType.status).toBe(400);
    expect(wrongType.body.details).toEqual([{ field: 'event.event_type', message: 'event_type must be device.low_battery for DEVICE_LOW_BATTERY' }]);
    const badField = await post('preview', draft({ event: { event_type: 'device.low_battery', device_id: 'nope', battery_level: 0.1 } }));
    expect(badField.body.details).toEqual([{ field: 'event.device_id', message: 'device_id must be a UUID' }]);
  });

  it('answers a bad draft as a create would, each bad field named', async () => {
    const res = await post('preview', draft({ bodyTemplate: '{"x": {batery_level}}', failureLimit: 'ten', url: 'http://169.254.169.254/latest' }));
    expect(res.status).toBe(400);
    expect(res.body.details.map((d: { field: string }) => d.field).sort()).toEqual(['failureLimit']);
    const semantic = await post('preview', draft({ bodyTemplate: '{"x": {batery_level}}', url: 'http://169.254.169.254/latest' }));
    expect(semantic.status).toBe(400);
    expect(semantic.body.details.map((d: { field: string }) => d.field).sort()).toEqual(['bodyTemplate', 'url']);
  });

  it("test-sends the draft once: the receiver's status, headers, excerpt and duration; verifiable with the one-off secret; nothing stored", async () => {
    const before = await stored();
    rx.respond(() => ({ status: 202, headers: { 'x-receiver': 'yes' }, body: 'queued it' }));
    const res = await post('test-draft', draft({ authType: 'BASIC', basicAuth: { username: 'hooks', password: 'pa55' } }));
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ status: 'SUCCEEDED', responseStatus: 202, responseBody: 'queued it', error: null, durationMs: expect.any(Number) });
    expect(res.body.responseHeaders).toMatchObject({ 'x-receiver': 'yes' });
    expect(res.body.request.headers.authorization).toBe('Basic <hooks:password, base64>');
    const [got] = rx.requests;
    expect(got.url).toBe(`/drafts/${res.body.event.device_id}?level=${res.body.event.battery_level}`);
    expect(got.headers.authorization).toBe(`Basic ${Buffer.from('hooks:pa55').toString('base64')}`);
    expect(() => new Webhook(res.body.signingSecret).verify(got.body, got.headers as Record<string, string>)).not.toThrow();
    expect(await stored()).toEqual(before);
  });

  it('reports a receiver that fails as FAILED with its answer, and needs WEBHOOKS_WRITE', async () => {
    rx.respond(() => ({ status: 503, body: 'down for maintenance' }));
    const res = await post('test-draft', draft());
    expect(res.body).toMatchObject({ status: 'FAILED', responseStatus: 503, responseBody: 'down for maintenance' });
    const reader = await api.clientWith(admin, ['WEBHOOKS_READ']);
    expect((await post('test-draft', draft(), reader.token)).status).toBe(403);
    expect((await post('preview', draft(), reader.token)).status).toBe(403);
  });
});
