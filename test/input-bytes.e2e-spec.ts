import { ApiHarness, OrgAdmin, unique } from './support/api-harness';

const DEVICE = '6f1c1a52-3b0e-4c7d-9a51-2f7a4f8b9c01';

/** Bytes no stored field may hold, and nesting nothing needs: a 400 naming the field, never a 500. */
describe('Bad bytes and deep nesting (SPEC §6)', () => {
  let api: ApiHarness;
  let admin: OrgAdmin;
  beforeAll(async () => {
    api = await ApiHarness.start();
    admin = await api.newOrg(unique('bytes'));
  });
  afterAll(() => api.close());

  const send = (path: string, body: string) => api.http().post(path).auth(admin.token, { type: 'bearer' }).set('Content-Type', 'application/json').send(body);
  const deep = (n: number) => '{"a":'.repeat(n) + '1' + '}'.repeat(n);

  it.each([
    ['a webhook name with NUL', '/api/v1/organization/webhooks', JSON.stringify({ name: 'a\u0000b', triggerType: 'DEVICE_ADDED', url: 'https://example.com/h' }), 'name'],
    ['a sub-organization name with NUL', '/api/v1/organization/children', JSON.stringify({ name: 'x\u0000' }), 'name'],
    ['a client name with NUL', '/api/v1/organization/clients', JSON.stringify({ name: 'c\u0000', permissions: ['WEBHOOKS_READ'] }), 'name'],
    ['a user name with NUL', '/api/v1/organization/users', JSON.stringify({ email: 'n@example.com', name: 'n\u0000' }), 'name'],
    ['a webhook nested 5 000 deep', '/api/v1/organization/webhooks', `{"name":"deep","triggerType":"DEVICE_ADDED","url":"https://example.com/h","dataTrigger":${deep(5000)}}`, 'dataTrigger'],
    ['an event field with NUL', '/api/v1/organization/events', JSON.stringify({ event_type: 'device.name_changed', device_id: DEVICE, device_name: 'door\u0000' }), 'device_name'],
    ['an event key with NUL', '/api/v1/organization/events', JSON.stringify({ event_type: 'device.added', device_id: DEVICE, ['k\u0000']: 1 }), 'body'],
    ['an event with a lone surrogate', '/api/v1/organization/events', '{"event_type":"device.added","device_id":"' + DEVICE + '","note":"\\ud800"}', 'note'],
    ['a batch event with NUL', '/api/v1/organization/events', JSON.stringify({ events: [{ event_type: 'device.added', device_id: DEVICE, note: '\u0000' }] }), 'events[0].note'],
    ['an event nested 5 000 deep', '/api/v1/organization/events', `{"event_type":"device.added","device_id":"${DEVICE}","x":${deep(5000)}}`, 'x'],
  ])('%s is a 400 naming the field', async (_label, path, body, field) => {
    const before = await api.prisma.event.count({ where: { organizationId: admin.organizationId } });
    const res = await send(path, body);
    expect(res.status).toBe(400);
    expect(res.body.details.map((d: { field: string }) => d.field)).toEqual(expect.arrayContaining([expect.stringMatching(new RegExp(`^${field.replace(/[[\]]/g, '\\$&')}`))]));
    expect(await api.prisma.event.count({ where: { organizationId: admin.organizationId } })).toBe(before);
  });

  it('a NUL in client_id at /oauth2/token is a 400 invalid_request, in the form or in HTTP Basic, with nothing from the database in the log', async () => {
    const logsBefore = ApiHarness.allLogs.length;
    const form = await api.http().post('/oauth2/token').type('form').send({ grant_type: 'client_credentials', client_id: 'hlc_\u0000x', client_secret: 's' });
    expect(form.status).toBe(400);
    expect(form.body).toMatchObject({ error: 'invalid_request', error_description: expect.stringContaining('client_id') });
    const basic = await api.http().post('/oauth2/token').auth('hlc_\u0000x', 's').type('form').send({ grant_type: 'client_credentials' });
    expect(basic.status).toBe(400);
    expect(ApiHarness.allLogs.slice(logsBefore).join('')).not.toMatch(/prisma|invalid byte sequence/i);
    expect((await api.http().get('/health/live')).status).toBe(200);
  });
});
