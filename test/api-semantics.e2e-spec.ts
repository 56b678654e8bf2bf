import { ApiHarness, OrgAdmin, unique } from './support/api-harness';

/** What a newcomer meets first (issue #13): the catalog, HTTP methods, and what a 400 says. */
describe('API semantics a newcomer meets', () => {
  let api: ApiHarness;
  let admin: OrgAdmin;
  const hook = { name: 'Low battery', triggerType: 'DEVICE_LOW_BATTERY', url: 'http://127.0.0.1:9/hooks/{device_id}', bodyTemplate: '{"level": {battery_level}}' };

  beforeAll(async () => {
    api = await ApiHarness.start();
    admin = await api.newOrg(unique('semantics'));
  });
  afterAll(() => api.close());

  const as = (token: string) => ({
    get: (path: string) => api.http().get(path).auth(token, { type: 'bearer' }),
    post: (path: string, body: object) => api.http().post(path).auth(token, { type: 'bearer' }).send(body),
  });

  describe('GET /api/v1/event-types', () => {
    it('lists every trigger type with its event type, family, fields, filters and placeholders, to any authenticated client', async () => {
      const reader = await api.clientWith(admin, ['WEBHOOKS_READ']);
      const res = await as(reader.token).get('/api/v1/event-types');
      expect(res.status).toBe(200);
      const items = res.body.items as { triggerType: string; eventType: string; family: string; fields: { name: string; type: string; required: boolean; values?: string[] }[]; dataTrigger: unknown; placeholders: string[]; sample: Record<string, unknown> }[];
      expect(items.length).toBe(38);
      const lowBattery = items.find((i) => i.triggerType === 'DEVICE_LOW_BATTERY')!;
      expect(lowBattery).toMatchObject({ eventType: 'device.low_battery', family: 'device', dataTrigger: null, description: expect.stringContaining('battery') });
      expect(lowBattery.fields).toContainEqual(expect.objectContaining({ name: 'device_id', type: 'uuid', required: true }));
      expect(lowBattery.fields).toContainEqual(expect.objectContaining({ name: 'battery_level', type: 'number', required: false, min: 0, max: 1 }));
      expect(lowBattery.placeholders).toEqual(expect.arrayContaining(['battery_level', 'device_id', 'event', 'webhook.id', 'organization.name', 'timestamp_unix']));
      const status = items.find((i) => i.triggerType === 'DEVICE_BATTERY_STATUS_CHANGED')!;
      expect(status.fields.find((f) => f.name === 'battery_status')!.values).toEqual(['critical', 'low', 'good', 'full']);
      const datastream = items.find((i) => i.triggerType === 'DEVICE_DATASTREAM_UPDATE')!;
      expect(datastream.dataTrigger).toEqual({
        required: true,
        fields: [
          { name: 'datastreamId', type: 'integer', required: true, matches: 'datastream_id' },
          { name: 'deviceId', type: 'uuid', required: false, matches: 'device_id' },
        ],
      });
      expect(new Set(items.map((i) => i.family))).toEqual(new Set(['device', 'camera', 'space', 'action_attempt']));
    });

    it('gives one entry by trigger type or event type, whose sample event is accepted and its placeholders render', async () => {
      const byTrigger = await as(admin.token).get('/api/v1/event-types/DEVICE_LOW_BATTERY');
      const byEvent = await as(admin.token).get('/api/v1/event-types/device.low_battery');
      expect(byTrigger.status).toBe(200);
      expect(byEvent.body).toEqual(byTrigger.body);
      const published = await as(admin.token).post('/api/v1/organization/events', byTrigger.body.sample);
      expect(published.status).toBe(202);
      const template = byTrigger.body.placeholders.filter((p: string) => p !== 'event').map((p: string) => `{${p}}`).join(' ');
      expect((await as(admin.token).post('/api/v1/organization/webhooks', { ...hook, name: unique('all-placeholders'), bodyTemplate: null, url: `http://127.0.0.1:9/x?q=${encodeURIComponent(template)}` })).status).toBe(201);
      const unknown = await as(admin.token).get('/api/v1/event-types/DEVICE_NOPE');
      expect(unknown.status).toBe(404);
      expect(unknown.body).toEqual({ statusCode: 404, error: 'Not Found', message: 'Unknown trigger type or event type "DEVICE_NOPE"' });
    });

    it('needs a token, and is in the OpenAPI document', async () => {
      expect((await api.http().get('/api/v1/event-types')).status).toBe(401);
      const doc = (await api.http().get('/docs-json')).body;
      expect(doc.paths['/api/v1/event-types'].get.responses['200']).toBeDefined();
      expect(doc.paths['/api/v1/event-types/{name}'].get.responses['404']).toBeDefined();
      expect(doc.components.schemas.EventTypeDto.properties).toEqual(expect.objectContaining({ placeholders: expect.anything(), dataTrigger: expect.anything() }));
    });
  });

  describe('methods', () => {
    it('answers a method a path does not take with 405, Allow and the error body; OPTIONS with 204 and Allow', async () => {
      const res = await api.http().delete('/api/v1/organization/events').auth(admin.token, { type: 'bearer' });
      expect(res.status).toBe(405);
      expect(res.headers.allow).toBe('OPTIONS, POST');
      expect(res.body).toEqual({ statusCode: 405, error: 'Method Not Allowed', message: 'DELETE is not supported on /api/v1/organization/events; allowed: OPTIONS, POST' });
      const item = await api.http().post('/api/v1/organization/webhooks/12').auth(admin.token, { type: 'bearer' }).send({});
      expect(item.status).toBe(405);
      expect(item.headers.allow).toBe('DELETE, GET, HEAD, OPTIONS, PATCH, PUT');
      const options = await api.http().options('/api/v1/organization/webhooks');
      expect(options.status).toBe(204);
      expect(options.headers.allow).toBe('GET, HEAD, OPTIONS, POST');
      // A path no route has stays a 404.
      expect((await api.http().delete('/api/v1/nothing-here').auth(admin.token, { type: 'bearer' })).status).toBe(404);
    });

    it('takes PATCH as the same partial update as PUT: omitted fields keep their value', async () => {
      const created = await as(admin.token).post('/api/v1/organization/webhooks', { ...hook, name: unique('patch'), failureLimit: 7 });
      expect(created.status).toBe(201);
      const path = `/api/v1/organization/webhooks/${created.body.id}`;
      const patched = await api.http().patch(path).auth(admin.token, { type: 'bearer' }).send({ name: 'renamed by PATCH' });
      expect(patched.status).toBe(200);
      expect(patched.body).toMatchObject({ name: 'renamed by PATCH', failureLimit: 7, url: hook.url, bodyTemplate: hook.bodyTemplate });
      const put = await api.http().put(path).auth(admin.token, { type: 'bearer' }).send({ failureLimit: 9 });
      expect(put.body).toMatchObject({ name: 'renamed by PATCH', failureLimit: 9 });
      const bad = await api.http().patch(path).auth(admin.token, { type: 'bearer' }).send({ failureLimit: 'ten' });
      expect(bad.status).toBe(400);
      expect((await as(admin.token).get(path)).body).toMatchObject({ name: 'renamed by PATCH', failureLimit: 9 });
    });
  });

  describe('validation messages', () => {
    it('say the expected type, that a field is required, one message per problem, and where trigger types are listed', async () => {
      const res = await as(admin.token).post('/api/v1/organization/webhooks', { name: 123, failureLimit: 'ten', triggerType: 'NOPE' });
      expect(res.status).toBe(400);
      expect(res.body.details).toEqual([
        { field: 'name', message: 'name must be a string, not an integer' },
        { field: 'triggerType', message: 'triggerType "NOPE" is not a trigger type; GET /api/v1/event-types lists them (e.g. DEVICE_LOW_BATTERY)' },
        { field: 'url', message: 'url is required' },
        { field: 'failureLimit', message: 'failureLimit must be an integer, not a string' },
      ]);
      const event = await as(admin.token).post('/api/v1/organization/events', { event_type: 'device.nope' });
      expect(event.body.details).toEqual([{ field: 'event_type', message: 'unknown event type "device.nope"; GET /api/v1/event-types lists them' }]);
    });
  });
});
