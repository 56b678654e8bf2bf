import { Webhook as StandardWebhook } from 'standardwebhooks';
import { EVENT_CATALOG } from '@hookline/events';
import { ApiHarness, OrgAdmin, unique } from './support/api-harness';
import { Receiver, eventually } from './support/receiver';
import { WorkerHarness } from './support/worker-harness';

const DEVICE = '6f1c1a52-3b0e-4c7d-9a51-2f7a4f8b9c01';
const OTHER_DEVICE = '0b7c6f10-1d2e-4f3a-8b5c-6d7e8f9a0b1c';
const HOSTILE = 'He said "hi"\n</script>\\ & ünïcødé 🚀 a+b=c/d?e#f%20';

/** A minimal valid event of each type: its required fields. */
function sampleFor(eventType: string): Record<string, unknown> {
  const spec = EVENT_CATALOG.find((e) => e.eventType === eventType)!;
  const event: Record<string, unknown> = { event_type: eventType };
  for (const [name, f] of Object.entries(spec.fields)) {
    if (!f.required) continue;
    event[name] = f.type === 'uuid' ? DEVICE : f.type === 'integer' ? 7 : f.type === 'scalar' ? 21.5 : 'code-1';
  }
  return event;
}

describe('Dispatch pipeline (SPEC §4, §5)', () => {
  let api: ApiHarness;
  let worker: WorkerHarness;
  let admin: OrgAdmin;
  let rx: Receiver;

  beforeAll(async () => {
    rx = await Receiver.start();
    api = await ApiHarness.start();
    worker = await WorkerHarness.start({ HOOKLINE_RETRY_SCHEDULE: '300,600', HOOKLINE_REQUEST_TIMEOUT_MS: '1500' });
    admin = await api.newOrg(unique('dispatch'));
  });
  afterAll(async () => {
    await worker.close();
    await api.close();
    await rx.close();
  });
  let testStart = new Date();
  beforeEach(() => {
    rx.requests.length = 0;
    rx.respond(() => ({ status: 200, body: 'ok' }));
    testStart = new Date(Date.now() - 1000);
  });
  /**
   * Every delivery this test created has ended: no request for it can still
   * come (a request is recorded after it is sent), so what the receiver has is
   * all it will ever get. Waits on the rows, not on a clock.
   */
  const allSettled = () =>
    eventually(async () => (await api.prisma.delivery.count({ where: { status: 'PENDING', createdAt: { gte: testStart } } })) === 0, 15_000, 'every delivery of this test settled');

  const createHook = async (body: Record<string, unknown>, who = admin) => {
    const res = await api.http().post('/api/v1/organization/webhooks').auth(who.token, { type: 'bearer' }).send({ name: unique('hook'), ...body });
    expect(res.status).toBe(201);
    return res.body as { id: number; signingSecret: string };
  };
  const publish = (body: unknown, who = admin) => api.http().post('/api/v1/organization/events').auth(who.token, { type: 'bearer' }).send(body as object);
  const deliveriesOf = async (hookId: number, who = admin) =>
    (await api.http().get(`/api/v1/organization/webhooks/${hookId}/deliveries`).auth(who.token, { type: 'bearer' })).body.items as {
      id: number;
      status: string;
      attempts: { number: number; responseStatus: number | null; error: string | null }[];
    }[];

  it('delivers each of the 36 catalog event types to its trigger webhook with the rendered values', async () => {
    const org = await api.newOrg(unique('catalog'));
    const seeds = EVENT_CATALOG.filter((e) => !e.dataTrigger);
    expect(seeds).toHaveLength(36);
    for (const spec of seeds) {
      await createHook(
        {
          triggerType: spec.triggerType,
          url: rx.url(`/catalog/${spec.triggerType}/{event_id}`),
          bodyTemplate: '{"type": "{event_type}", "trigger": "{{lower webhook.name}}", "org": {organization.id}, "event": {{json event}}}',
        },
        org,
      );
    }
    const events = seeds.map((s) => ({ ...sampleFor(s.eventType), custom_field: s.eventType }));
    const res = await publish({ events }, org);
    expect(res.status).toBe(202);
    expect(res.body.events).toHaveLength(36);
    expect(res.body.events.every((e: { matchedWebhooks: number }) => e.matchedWebhooks === 1)).toBe(true);
    await rx.waitFor(36);
    for (const [i, spec] of seeds.entries()) {
      const got = rx.requests.find((r) => r.url.startsWith(`/catalog/${spec.triggerType}/`))!;
      expect(got).toBeDefined();
      expect(got.url).toBe(`/catalog/${spec.triggerType}/${res.body.events[i].eventId}`);
      const body = JSON.parse(got.body);
      expect(body.type).toBe(spec.eventType);
      expect(body.org).toBe(org.organizationId);
      expect(body.event).toMatchObject({ event_id: res.body.events[i].eventId, event_type: spec.eventType, custom_field: spec.eventType });
      expect(got.headers['content-type']).toBe('application/json');
      expect(got.headers['user-agent']).toMatch(/^Hookline\/\d+\.\d+\.\d+/);
    }
  });

  it('filters data-trigger events by datastream, event code and device', async () => {
    const ds7 = await createHook({ triggerType: 'DEVICE_DATASTREAM_UPDATE', dataTrigger: { datastreamId: 7 }, url: rx.url('/ds7'), bodyTemplate: '{"v": {value}}' });
    const ds7dev = await createHook({ triggerType: 'DEVICE_DATASTREAM_UPDATE', dataTrigger: { datastreamId: 7, deviceId: OTHER_DEVICE }, url: rx.url('/ds7dev') });
    await createHook({ triggerType: 'DEVICE_DATASTREAM_UPDATE', dataTrigger: { datastreamId: 8 }, url: rx.url('/ds8') });
    await createHook({ triggerType: 'DEVICE_LOG_EVENT', dataTrigger: { eventCode: 'door_forced' }, url: rx.url('/log') });
    const res = await publish({
      events: [
        { event_type: 'device.datastream_updated', device_id: DEVICE, datastream_id: 7, value: 21.5 },
        { event_type: 'device.datastream_updated', device_id: OTHER_DEVICE, datastream_id: 7, value: true },
        { event_type: 'device.log_event', device_id: DEVICE, event_code: 'door_forced', description: 'x' },
        { event_type: 'device.log_event', device_id: DEVICE, event_code: 'battery_swap' },
      ],
    });
    expect(res.body.events.map((e: { matchedWebhooks: number }) => e.matchedWebhooks)).toEqual([1, 2, 1, 0]);
    await rx.waitFor(4);
    await allSettled();
    expect(rx.requests.map((r) => r.url).sort()).toEqual(['/ds7', '/ds7', '/ds7dev', '/log']);
    expect(rx.requests.filter((r) => r.url === '/ds7').map((r) => JSON.parse(r.body).v).sort()).toEqual([21.5, true]);
    expect((await deliveriesOf(ds7.id)).length).toBe(2);
    expect((await deliveriesOf(ds7dev.id)).length).toBe(1);
  });

  it('percent-encodes URL values and JSON-escapes hostile values', async () => {
    await createHook({
      triggerType: 'DEVICE_ADDED',
      // Extra (undocumented) fields are reached through event.* (SPEC §4).
      url: rx.url('/h/{device_custom_metadata.room}?note={event.note}&raw=<event.note>'),
      headers: [{ name: 'X-Note', value: '{event.note}' }],
      bodyTemplate: '{"quoted": "{event.note}", "bare": {event.note}, "hb": "{{event.note}}", "room": "{device_custom_metadata.room}"}',
    });
    const res = await publish({ event_type: 'device.added', device_id: DEVICE, note: HOSTILE, device_custom_metadata: { room: 'a/b c' } });
    expect(res.status).toBe(202);
    const [got] = await rx.waitFor(1);
    const url = new URL(`http://x${got.url}`);
    expect(url.pathname).toBe('/h/a%2Fb%20c');
    expect(url.searchParams.get('note')).toBe(HOSTILE);
    expect(url.searchParams.get('raw')).toBe(HOSTILE);
    expect(JSON.parse(got.body)).toEqual({ quoted: HOSTILE, bare: HOSTILE, hb: HOSTILE, room: 'a/b c' });
    // Header values go out as UTF-8 bytes, control characters as spaces (no header injection).
    expect(Buffer.from(String(got.headers['x-note']), 'latin1').toString('utf8')).toBe(HOSTILE.replace(/\n/g, ' '));
  });

  it('sends the event itself as JSON without a bodyTemplate, and no body with GET', async () => {
    await createHook({ triggerType: 'SPACE_CREATED', url: rx.url('/space') });
    await createHook({ triggerType: 'SPACE_CREATED', url: rx.url('/space-get?id={space_id}'), method: 'GET' });
    const res = await publish({ event_type: 'space.created', space_id: DEVICE, extra: [1, 2] });
    await rx.waitFor(2);
    const post = rx.requests.find((r) => r.method === 'POST')!;
    expect(JSON.parse(post.body)).toMatchObject({ event_type: 'space.created', space_id: DEVICE, extra: [1, 2], event_id: res.body.eventId });
    const get = rx.requests.find((r) => r.method === 'GET')!;
    expect(get.body).toBe('');
    expect(get.headers['content-type']).toBeUndefined();
    expect(get.url).toBe(`/space-get?id=${DEVICE}`);
  });

  it('signs with Standard Webhooks: verifiable by the standardwebhooks library, webhook-id stable across retries', async () => {
    const hook = await createHook({ triggerType: 'DEVICE_TAMPERED', url: rx.url('/signed') });
    rx.respond((_r, n) => (n === 1 ? { status: 503 } : { status: 200 }));
    await publish({ event_type: 'device.tampered', device_id: DEVICE });
    const [first, second] = await rx.waitFor(2);
    const verifier = new StandardWebhook(hook.signingSecret);
    for (const r of [first, second]) {
      const headers = { 'webhook-id': String(r.headers['webhook-id']), 'webhook-timestamp': String(r.headers['webhook-timestamp']), 'webhook-signature': String(r.headers['webhook-signature']) };
      expect(verifier.verify(r.body, headers)).toMatchObject({ event_type: 'device.tampered' });
    }
    expect(first.headers['webhook-id']).toBe(second.headers['webhook-id']);
    expect(() => new StandardWebhook('whsec_' + Buffer.alloc(24, 3).toString('base64')).verify(first.body, first.headers as Record<string, string>)).toThrow();
    const [d] = await eventually(async () => {
      const ds = await deliveriesOf(hook.id);
      return ds[0]?.status === 'SUCCEEDED' ? ds : null;
    });
    expect(d.attempts.map((a) => a.responseStatus)).toEqual([503, 200]);
  });

  it('is idempotent on event_id, also for concurrent identical requests', async () => {
    await createHook({ triggerType: 'DEVICE_REMOVED', url: rx.url('/idem') });
    const event = { event_type: 'device.removed', device_id: DEVICE, event_id: '2b0c9a4e-5d1f-4c3b-9a8e-7f6d5c4b3a21' };
    const first = await publish(event);
    const again = await publish(event);
    expect(again.body).toEqual(first.body);
    expect(first.body).toEqual({ eventId: event.event_id, matchedWebhooks: 1 });

    const racing = { ...event, event_id: 'c7d8e9f0-1a2b-4c3d-8e4f-5a6b7c8d9e0f' };
    const answers = await Promise.all(Array.from({ length: 10 }, () => publish(racing)));
    expect(new Set(answers.map((a) => a.status))).toEqual(new Set([202]));
    expect(new Set(answers.map((a) => JSON.stringify(a.body))).size).toBe(1);
    await rx.waitFor(2);
    await allSettled();
    expect(rx.requests).toHaveLength(2);
    const rows = await api.prisma.event.count({ where: { organizationId: admin.organizationId, eventId: { in: [event.event_id, racing.event_id] } } });
    expect(rows).toBe(2);
  });

  it('stores only the new events of a batch with a repeat, which answers what it matched when first accepted', async () => {
    const org = await api.newOrg(unique('mixed'));
    const first = await createHook({ triggerType: 'DEVICE_TAMPERED', url: rx.url('/mixed-a') }, org);
    const old = { event_type: 'device.tampered', device_id: DEVICE, event_id: crypto.randomUUID() };
    expect((await publish(old, org)).body.matchedWebhooks).toBe(1);
    const second = await createHook({ triggerType: 'DEVICE_TAMPERED', url: rx.url('/mixed-b') }, org);
    const fresh = [crypto.randomUUID(), crypto.randomUUID()].map((event_id) => ({ ...old, event_id }));
    const res = await publish({ events: [fresh[0], old, fresh[1], fresh[0]] }, org);
    expect(res.status).toBe(202);
    expect(res.body.events.map((e: { matchedWebhooks: number }) => e.matchedWebhooks)).toEqual([2, 1, 2, 2]);
    await allSettled();
    // The repeat created nothing: one delivery to the first webhook from its first publish, none to the second.
    const eventsOf = async (hook: { id: number }) =>
      (await api.prisma.delivery.findMany({ where: { webhookId: hook.id }, include: { event: { select: { eventId: true } } } })).map((d) => d.event.eventId).sort();
    expect(await eventsOf(first)).toEqual([old.event_id, ...fresh.map((e) => e.event_id)].sort());
    expect(await eventsOf(second)).toEqual(fresh.map((e) => e.event_id).sort());
    expect(rx.requests).toHaveLength(5);
  });
  it('rejects a batch with any invalid event as a whole, naming events[i].field', async () => {
    const before = await api.prisma.event.count({ where: { organizationId: admin.organizationId } });
    const res = await publish({ events: [{ event_type: 'device.added', device_id: DEVICE }, { event_type: 'device.low_battery', device_id: 'x', battery_level: 2 }, { event_type: 'nope' }] });
    expect(res.status).toBe(400);
    expect(res.body.details.map((d: { field: string }) => d.field)).toEqual(['events[1].device_id', 'events[1].battery_level', 'events[2].event_type']);
    expect((await publish({ events: Array.from({ length: 501 }, () => ({ event_type: 'device.added', device_id: DEVICE })) })).status).toBe(400);
    expect((await publish({ events: [] })).status).toBe(400);
    expect(await api.prisma.event.count({ where: { organizationId: admin.organizationId } })).toBe(before);
  });

  it('needs EVENTS_PUBLISH and triggers only the organization\'s own webhooks', async () => {
    const other = await api.newOrg(unique('other'));
    await createHook({ triggerType: 'DEVICE_CONNECTED', url: rx.url('/mine') });
    await createHook({ triggerType: 'DEVICE_CONNECTED', url: rx.url('/theirs') }, other);
    const reader = await api.clientWith(admin, ['WEBHOOKS_READ']);
    expect((await api.http().post('/api/v1/organization/events').auth(reader.token, { type: 'bearer' }).send({ event_type: 'device.connected', device_id: DEVICE })).status).toBe(403);
    const res = await publish({ event_type: 'device.connected', device_id: DEVICE });
    expect(res.body.matchedWebhooks).toBe(1);
    await rx.waitFor(1);
    await allSettled();
    expect(rx.requests.map((r) => r.url)).toEqual(['/mine']);
  });

  it('sends BASIC credentials', async () => {
    await createHook({ triggerType: 'DEVICE_NAME_CHANGED', url: rx.url('/basic'), authType: 'BASIC', basicAuth: { username: 'hook user', password: 'p@ss:word' } });
    await publish({ event_type: 'device.name_changed', device_id: DEVICE, device_name: 'Front door' });
    const [got] = await rx.waitFor(1);
    expect(got.headers.authorization).toBe(`Basic ${Buffer.from('hook user:p@ss:word').toString('base64')}`);
  });

  it('follows the retry schedule, honours Retry-After, and ends FAILED when attempts run out', async () => {
    const hook = await createHook({ triggerType: 'DEVICE_CONNECTION_STABILIZED', url: rx.url('/retry') });
    rx.respond((_r, n) => (n === 1 ? { status: 429, headers: { 'Retry-After': '1' } } : { status: 500 }));
    await publish({ event_type: 'device.connection_stabilized', device_id: DEVICE });
    const reqs = await rx.waitFor(3);
    // Retry-After: 1 beats the 300 ms first delay; then 600 ms ± 20 %.
    expect(reqs[1].at - reqs[0].at).toBeGreaterThanOrEqual(950);
    expect(reqs[2].at - reqs[1].at).toBeGreaterThanOrEqual(450);
    const [d] = await eventually(async () => {
      const ds = await deliveriesOf(hook.id);
      return ds[0]?.status === 'FAILED' ? ds : null;
    });
    expect(d.attempts.map((a) => [a.number, a.responseStatus])).toEqual([
      [1, 429],
      [2, 500],
      [3, 500],
    ]);
    await allSettled();
    expect(rx.requests).toHaveLength(3);
  });

  it('does not retry other 4xx; a timeout is a failed, retried attempt', async () => {
    const h404 = await createHook({ triggerType: 'DEVICE_ACCESSORY_KEYPAD_CONNECTED', url: rx.url('/404') });
    rx.respond((r) => (r.url === '/404' ? { status: 404, body: 'no such hook' } : r.url === '/slow' ? { status: 200, delayMs: 3000 } : { status: 200 }));
    await publish({ event_type: 'device.accessory_keypad_connected', device_id: DEVICE });
    const [d404] = await eventually(async () => {
      const ds = await deliveriesOf(h404.id);
      return ds[0]?.status === 'FAILED' ? ds : null;
    });
    expect(d404.attempts).toHaveLength(1);
    expect(d404.attempts[0]).toMatchObject({ responseStatus: 404 });

    const slow = await createHook({ triggerType: 'DEVICE_SALTO_PRIVACY_MODE_ACTIVATED', url: rx.url('/slow') });
    await publish({ event_type: 'device.salto.privacy_mode_activated', device_id: DEVICE });
    const [dslow] = await eventually(
      async () => {
        const ds = await deliveriesOf(slow.id);
        return ds[0]?.attempts.length >= 2 ? ds : null;
      },
      20_000,
    );
    expect(dslow.attempts[0].responseStatus).toBeNull();
    expect(dslow.attempts[0].error).toMatch(/^timeout error/);
  });

  it('records a render error as a failed attempt, never a crash', async () => {
    const hook = await createHook({ triggerType: 'DEVICE_DELETED', url: rx.url('/render'), bodyTemplate: '{"n": "{{lookup event \'device_name\'}}"}' });
    // A template can only fail at render time through data; force one by breaking the stored template.
    await api.prisma.webhook.update({ where: { id: hook.id }, data: { bodyTemplate: '{{#each device_name}}{{/if}}' } });
    await publish({ event_type: 'device.deleted', device_id: DEVICE, device_name: 'x' });
    const [d] = await eventually(async () => {
      const ds = await deliveriesOf(hook.id);
      return ds[0]?.status === 'FAILED' ? ds : null;
    });
    expect(d.attempts).toHaveLength(1);
    expect(d.attempts[0].error).toMatch(/^render error/);
    expect(rx.requests.filter((r) => r.url === '/render')).toHaveLength(0);
  });
});
