import { SecretCipher } from '@hookline/common';
import { ApiHarness, OrgAdmin, unique } from './support/api-harness';

const BASE = '/api/v1/organization/webhooks';

const valid = (over: Record<string, unknown> = {}) => ({
  name: 'Device Status Notification',
  triggerType: 'DEVICE_ADDED',
  url: 'https://example.com/webhook/{device_id}',
  ...over,
});

describe('Webhook definitions (SPEC §3)', () => {
  let api: ApiHarness;
  let admin: OrgAdmin;
  let userId: number;
  const secrets: string[] = [];

  beforeAll(async () => {
    api = await ApiHarness.start();
    admin = await api.newOrg(unique('hooks'));
    secrets.push(admin.clientSecret, admin.token);
    const u = await api.http().post('/api/v1/organization/users').auth(admin.token, { type: 'bearer' }).send({ email: 'oncall@example.com', name: 'On call' });
    userId = u.body.id;
  });
  afterAll(() => api.close());

  const post = (body: unknown) => api.http().post(BASE).auth(admin.token, { type: 'bearer' }).send(body as object);
  const put = (id: number, body: unknown) => api.http().put(`${BASE}/${id}`).auth(admin.token, { type: 'bearer' }).send(body as object);
  const get = (id: number) => api.http().get(`${BASE}/${id}`).auth(admin.token, { type: 'bearer' });
  const count = () => api.prisma.webhook.count({ where: { organizationId: admin.organizationId } });

  it('creates with every default and shows the signing secret once', async () => {
    const res = await post(valid());
    expect(res.status).toBe(201);
    const now = Date.now();
    expect(res.body).toEqual({
      id: expect.any(Number),
      organizationId: admin.organizationId,
      name: 'Device Status Notification',
      triggerType: 'DEVICE_ADDED',
      dataTrigger: null,
      url: 'https://example.com/webhook/{device_id}',
      method: 'POST',
      contentType: 'JSON',
      authType: 'NONE',
      oauth2: null,
      basicAuth: null,
      headers: [],
      bodyTemplate: null,
      failureNotifyUserIds: [],
      failureLimit: 10,
      status: 'ENABLED',
      consecutiveFailures: 0,
      totalAttempts: 0,
      createdAt: expect.any(Number),
      updatedAt: expect.any(Number),
      lastTriggeredAt: null,
      maxConcurrency: null,
      rateLimitPerMinute: null,
      circuit: { state: 'CLOSED', openUntil: null, consecutiveUnreachable: 0 },
      signingSecret: expect.stringMatching(/^whsec_[A-Za-z0-9+/]{32}$/),
    });
    expect(Math.abs(res.body.createdAt - now)).toBeLessThan(60_000);
    secrets.push(res.body.signingSecret);
    const again = await get(res.body.id);
    expect(again.status).toBe(200);
    expect(again.body.signingSecret).toBeUndefined();
    const { signingSecret: _s, ...rest } = res.body;
    expect(again.body).toEqual(rest);
  });

  it('stores write-only secrets encrypted (AES-256-GCM) and never returns them', async () => {
    const oauthSecret = `oauth-${unique('s')}`;
    const password = `pw-${unique('s')}`;
    secrets.push(oauthSecret, password);
    const o = await post(
      valid({
        name: 'oauth',
        authType: 'OAUTH2',
        oauth2: { tokenUrl: 'https://auth.example.com/token', clientId: 'cid', clientSecret: oauthSecret, scope: 'hooks', audience: 'api' },
      }),
    );
    expect(o.status).toBe(201);
    expect(o.body.oauth2).toEqual({ tokenUrl: 'https://auth.example.com/token', clientId: 'cid', scope: 'hooks', audience: 'api' });
    const b = await post(valid({ name: 'basic', authType: 'BASIC', basicAuth: { username: 'u', password } }));
    expect(b.status).toBe(201);
    expect(b.body.basicAuth).toEqual({ username: 'u' });

    const cipher = api.app.get(SecretCipher);
    const oRow = await api.prisma.webhook.findUniqueOrThrow({ where: { id: o.body.id } });
    const bRow = await api.prisma.webhook.findUniqueOrThrow({ where: { id: b.body.id } });
    expect(JSON.stringify(oRow)).not.toContain(oauthSecret);
    expect(JSON.stringify(bRow)).not.toContain(password);
    expect(cipher.decrypt(oRow.oauth2ClientSecretEnc!)).toBe(oauthSecret);
    expect(cipher.decrypt(bRow.basicPasswordEnc!)).toBe(password);
    expect(oRow.signingSecretEnc).toMatch(/^v1\./);

    // Partial update without the secret keeps it while it goes where it was entered.
    const kept = await put(o.body.id, { oauth2: { tokenUrl: 'https://auth.example.com/token', clientId: 'cid2' } });
    expect(kept.status).toBe(200);
    const keptRow = await api.prisma.webhook.findUniqueOrThrow({ where: { id: o.body.id } });
    expect(cipher.decrypt(keptRow.oauth2ClientSecretEnc!)).toBe(oauthSecret);
    expect(keptRow.oauth2ClientId).toBe('cid2');
    // Another token URL needs the secret again; with it, the new secret replaces the old.
    const moved = await put(o.body.id, { oauth2: { tokenUrl: 'https://auth.example.com/token2', clientId: 'cid2' } });
    expect(moved.status).toBe(400);
    expect(moved.body.details.map((d: { field: string }) => d.field)).toEqual(['oauth2.clientSecret']);
    expect((await api.prisma.webhook.findUniqueOrThrow({ where: { id: o.body.id } })).oauth2TokenUrl).toBe('https://auth.example.com/token');
    secrets.push('new-oauth-secret', 'p2');
    const reentered = await put(o.body.id, { oauth2: { tokenUrl: 'https://auth.example.com/token2', clientId: 'cid2', clientSecret: 'new-oauth-secret' } });
    expect(reentered.status).toBe(200);
    const movedRow = await api.prisma.webhook.findUniqueOrThrow({ where: { id: o.body.id } });
    expect(movedRow.oauth2TokenUrl).toBe('https://auth.example.com/token2');
    expect(cipher.decrypt(movedRow.oauth2ClientSecretEnc!)).toBe('new-oauth-secret');

    // A Basic password follows the url's origin: another path keeps it, another origin needs it again.
    expect((await put(b.body.id, { url: `${new URL(bRow.url).origin}/elsewhere/{device_id}` })).status).toBe(200);
    for (const url of ['https://attacker.example.net/collect', 'http://example.com/webhook', 'https://example.com:8443/webhook', 'https://{device_id}.example.com/x']) {
      const res = await put(b.body.id, { url });
      expect(res.status).toBe(400);
      expect(res.body.details.map((d: { field: string }) => d.field)).toEqual(['basicAuth.password']);
    }
    expect(cipher.decrypt((await api.prisma.webhook.findUniqueOrThrow({ where: { id: b.body.id } })).basicPasswordEnc!)).toBe(password);
    const withPassword = await put(b.body.id, { url: 'https://other.example.net/hook', basicAuth: { username: 'u2', password: 'p2' } });
    expect(withPassword.status).toBe(200);

    const list = await api.http().get(BASE).auth(admin.token, { type: 'bearer' });
    const all = JSON.stringify([list.body, await get(o.body.id).then((r) => r.body), await get(b.body.id).then((r) => r.body)]);
    for (const s of [oauthSecret, password]) expect(all).not.toContain(s);
    expect(all).not.toMatch(/clientSecret|password|whsec_/);
  });

  it('switching authType drops the old credentials', async () => {
    const b = await post(valid({ name: 'switch', authType: 'BASIC', basicAuth: { username: 'u', password: 'p' } }));
    const res = await put(b.body.id, { authType: 'NONE' });
    expect(res.status).toBe(200);
    expect(res.body.basicAuth).toBeNull();
    const row = await api.prisma.webhook.findUniqueOrThrow({ where: { id: b.body.id } });
    expect(row.basicPasswordEnc).toBeNull();
    const toOauth = await put(b.body.id, { authType: 'OAUTH2' });
    expect(toOauth.status).toBe(400);
    expect(toOauth.body.details[0].field).toBe('oauth2');
  });

  it('accepts every documented field, data triggers and templates', async () => {
    const res = await post({
      name: 'full',
      triggerType: 'DEVICE_LOW_BATTERY',
      url: 'https://example.com/hooks/<device_id>?room={device_custom_metadata.room}',
      method: 'PUT',
      contentType: 'JSON',
      headers: [{ name: 'X-Tenant', value: '{organization.name}' }],
      bodyTemplate: '{"level": {battery_level}, "device": "{device_id}", "at": "{timestamp_iso8601}", "raw": {{json event}}}',
      failureNotifyUserIds: [userId],
      failureLimit: 3,
      status: 'DISABLED',
    });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ method: 'PUT', failureLimit: 3, status: 'DISABLED', failureNotifyUserIds: [userId], headers: [{ name: 'X-Tenant', value: '{organization.name}' }] });

    const ds = await post(valid({ name: 'ds', triggerType: 'DEVICE_DATASTREAM_UPDATE', dataTrigger: { datastreamId: 7, deviceId: '6f1c1a52-3b0e-4c7d-9a51-2f7a4f8b9c01' }, bodyTemplate: '{"v": {value}}' }));
    expect(ds.status).toBe(201);
    expect(ds.body.dataTrigger).toEqual({ datastreamId: 7, deviceId: '6f1c1a52-3b0e-4c7d-9a51-2f7a4f8b9c01' });
    const log = await post(valid({ name: 'log', triggerType: 'DEVICE_LOG_EVENT', dataTrigger: { eventCode: 'door_forced' }, bodyTemplate: 'code={event_code}', contentType: 'URL_ENCODED_FORM' }));
    expect(log.status).toBe(201);
  });

  it('updates partially, keeps omitted fields, and follows the status rules', async () => {
    const created = await post(valid({ name: 'partial', failureLimit: 5, headers: [{ name: 'X-A', value: '1' }] }));
    const id = created.body.id;
    const renamed = await put(id, { name: 'renamed' });
    expect(renamed.status).toBe(200);
    expect(renamed.body).toMatchObject({ name: 'renamed', failureLimit: 5, headers: [{ name: 'X-A', value: '1' }], url: created.body.url });
    expect(renamed.body.updatedAt).toBeGreaterThanOrEqual(created.body.updatedAt);

    // DISABLED_DUE_TO_ERRORS is the system's: ignored on input.
    const ignored = await put(id, { status: 'DISABLED_DUE_TO_ERRORS' });
    expect(ignored.body.status).toBe('ENABLED');
    // Setting ENABLED re-enables and resets the failure count.
    await api.prisma.webhook.update({ where: { id }, data: { status: 'DISABLED_DUE_TO_ERRORS', consecutiveFailures: 5 } });
    const reenabled = await put(id, { status: 'ENABLED' });
    expect(reenabled.body).toMatchObject({ status: 'ENABLED', consecutiveFailures: 0 });
    const disabled = await put(id, { status: 'DISABLED' });
    expect(disabled.body.status).toBe('DISABLED');

    const cleared = await put(id, { bodyTemplate: '{"a": 1}' });
    expect(cleared.body.bodyTemplate).toBe('{"a": 1}');
    expect((await put(id, { bodyTemplate: null })).body.bodyTemplate).toBeNull();

    // Changing the trigger re-checks the stored templates against the new events.
    const withBody = await post(valid({ name: 'retrigger', triggerType: 'DEVICE_LOW_BATTERY', bodyTemplate: '{"l": {battery_level}}' }));
    const retrigger = await put(withBody.body.id, { triggerType: 'DEVICE_ADDED' });
    expect(retrigger.status).toBe(400);
    expect(retrigger.body.details).toEqual([{ field: 'bodyTemplate', message: expect.stringContaining('battery_level') }]);
    expect((await get(withBody.body.id)).body.triggerType).toBe('DEVICE_LOW_BATTERY');
  });

  it('lists with page, size, total and filters', async () => {
    const org = await api.newOrg(unique('list'));
    const mk = (body: object) => api.http().post(BASE).auth(org.token, { type: 'bearer' }).send(body);
    for (let i = 0; i < 3; i++) await mk(valid({ name: `a${i}` }));
    await mk(valid({ name: 'b', triggerType: 'SPACE_CREATED', url: 'https://example.com/s', status: 'DISABLED' }));
    const list = (q: string) => api.http().get(`${BASE}${q}`).auth(org.token, { type: 'bearer' });
    const all = await list('');
    expect(all.body).toMatchObject({ page: 0, size: 100, total: 4 });
    const paged = await list('?page=1&size=2');
    expect(paged.body).toMatchObject({ page: 1, size: 2, total: 4 });
    expect(paged.body.items.map((w: { name: string }) => w.name)).toEqual(['a2', 'b']);
    expect((await list('?status=DISABLED')).body.items.map((w: { name: string }) => w.name)).toEqual(['b']);
    expect((await list('?triggerType=DEVICE_ADDED')).body.total).toBe(3);
    expect((await list('?size=1000')).status).toBe(200);
    const bad = await list('?size=1001&status=BROKEN&triggerType=NOPE&colour=red');
    expect(bad.status).toBe(400);
  });

  it('deletes with 204 and no body; then 404', async () => {
    const created = await post(valid({ name: 'gone' }));
    const del = await api.http().delete(`${BASE}/${created.body.id}`).auth(admin.token, { type: 'bearer' });
    expect(del.status).toBe(204);
    expect(del.text).toBe('');
    expect((await get(created.body.id)).status).toBe(404);
    expect((await api.http().delete(`${BASE}/${created.body.id}`).auth(admin.token, { type: 'bearer' })).status).toBe(404);
  });

  it('answers 400 for a non-numeric id and 404 for an impossible one', async () => {
    expect((await get('abc' as unknown as number)).status).toBe(400);
    expect((await get(99_999_999_999)).status).toBe(404);
  });

  // At least 25 distinct bad inputs (issue #2): each a 400 (or 413) naming the field, nothing stored.
  const BAD: [string, Record<string, unknown>, string][] = [
    ['missing name', { name: undefined }, 'name'],
    ['empty name', { name: '' }, 'name'],
    ['name over 80 chars', { name: 'x'.repeat(81) }, 'name'],
    ['name not a string', { name: 42 }, 'name'],
    ['missing triggerType', { triggerType: undefined }, 'triggerType'],
    ['unknown triggerType', { triggerType: 'DEVICE_EXPLODED' }, 'triggerType'],
    ['missing url', { url: undefined }, 'url'],
    ['relative url', { url: '/hooks' }, 'url'],
    ['ftp url', { url: 'ftp://example.com/x' }, 'url'],
    ['url over 1024 chars', { url: `https://example.com/${'a'.repeat(1020)}` }, 'url'],
    ['unspecified-address url', { url: 'http://0.0.0.0/x' }, 'url'],
    ['metadata url', { url: 'http://169.254.169.254/latest/meta-data' }, 'url'],
    ['private url', { url: 'http://10.0.0.5/hook' }, 'url'],
    ['decimal-spelled private url', { url: 'http://167772165/hook' }, 'url'],
    ['IPv6 mapped private url', { url: 'http://[::ffff:192.168.0.1]/hook' }, 'url'],
    ['unknown url placeholder', { url: 'https://example.com/{battery_level}' }, 'url'],
    ['bad method', { method: 'TRACE' }, 'method'],
    ['bad contentType', { contentType: 'XML' }, 'contentType'],
    ['bad authType', { authType: 'KERBEROS' }, 'authType'],
    ['failureLimit as string', { failureLimit: '10' }, 'failureLimit'],
    ['failureLimit zero', { failureLimit: 0 }, 'failureLimit'],
    ['failureLimit too high', { failureLimit: 1001 }, 'failureLimit'],
    ['failureLimit fractional', { failureLimit: 2.5 }, 'failureLimit'],
    ['unknown field', { colour: 'red' }, 'colour'],
    ['unknown status', { status: 'PAUSED' }, 'status'],
    ['body template that does not compile', { bodyTemplate: '{"a": "{{#if device_id}}"}' }, 'bodyTemplate'],
    ['body template with an unknown placeholder', { bodyTemplate: '{"a": "{battery_level}"}' }, 'bodyTemplate'],
    ['body template with an unknown helper', { bodyTemplate: '{"a": "{{shout device_id}}"}' }, 'bodyTemplate'],
    ['body template with the log helper', { bodyTemplate: '{"a": "{{log device_id}}"}' }, 'bodyTemplate'],
    ['a private host behind a template comment', { url: 'http://10.1.2.3{{!c}}/hook' }, 'url'],
    ['a metadata host behind a long comment', { url: 'http://169.254.169.254{{!-- / --}}/latest' }, 'url'],
    ['OAUTH2 tokenUrl with credentials', { authType: 'OAUTH2', oauth2: { tokenUrl: 'https://user:pw@a.example.com/t', clientId: 'c', clientSecret: 's' } }, 'oauth2.tokenUrl'],
    ['OAUTH2 tokenUrl with a query string', { authType: 'OAUTH2', oauth2: { tokenUrl: 'https://a.example.com/t?client_secret=s3', clientId: 'c', clientSecret: 's' } }, 'oauth2.tokenUrl'],
    ['a constructor field', JSON.parse('{"constructor": {"x": 1}}'), 'constructor'],
    ['a __proto__ field', JSON.parse('{"__proto__": {"x": 1}}'), '__proto__'],
    ['a __proto__ field in a header', { headers: [JSON.parse('{"name": "X-A", "value": "b", "__proto__": {"x": 1}}')] }, 'headers[0].__proto__'],
    ['URL with the log helper', { url: 'https://example.com/{{log device_id}}' }, 'url'],
    ['JSON body that cannot render to JSON', { bodyTemplate: '{"a": {device_id}' }, 'bodyTemplate'],
    ['JSON body with a trailing comma', { bodyTemplate: '{"a": 1,}' }, 'bodyTemplate'],
    ['body over 16 KiB', { bodyTemplate: `"${'x'.repeat(16 * 1024)}"` }, 'bodyTemplate'],
    ['body with GET', { method: 'GET', bodyTemplate: '{"a": 1}' }, 'bodyTemplate'],
    ['sub-field of a string field', { bodyTemplate: '{"a": "{device_id.x}"}' }, 'bodyTemplate'],
    ['dataTrigger on a catalog trigger', { dataTrigger: { datastreamId: 1 } }, 'dataTrigger'],
    ['missing dataTrigger for datastream', { triggerType: 'DEVICE_DATASTREAM_UPDATE' }, 'dataTrigger'],
    ['datastreamId not an integer', { triggerType: 'DEVICE_DATASTREAM_UPDATE', dataTrigger: { datastreamId: '7' } }, 'dataTrigger.datastreamId'],
    ['unknown dataTrigger field', { triggerType: 'DEVICE_LOG_EVENT', dataTrigger: { eventCode: 'x', colour: 1 } }, 'dataTrigger.colour'],
    ['dataTrigger deviceId not a UUID', { triggerType: 'DEVICE_LOG_EVENT', dataTrigger: { eventCode: 'x', deviceId: 'abc' } }, 'dataTrigger.deviceId'],
    ['OAUTH2 without oauth2', { authType: 'OAUTH2' }, 'oauth2'],
    ['OAUTH2 without clientSecret', { authType: 'OAUTH2', oauth2: { tokenUrl: 'https://a.example.com/t', clientId: 'c' } }, 'oauth2.clientSecret'],
    ['OAUTH2 with a private tokenUrl', { authType: 'OAUTH2', oauth2: { tokenUrl: 'http://192.168.1.1/t', clientId: 'c', clientSecret: 's' } }, 'oauth2.tokenUrl'],
    ['oauth2 with an unknown field', { authType: 'OAUTH2', oauth2: { tokenUrl: 'https://a.example.com/t', clientId: 'c', clientSecret: 's', extra: 1 } }, 'oauth2.extra'],
    ['oauth2 with authType NONE', { oauth2: { tokenUrl: 'https://a.example.com/t', clientId: 'c', clientSecret: 's' } }, 'oauth2'],
    ['BASIC without password', { authType: 'BASIC', basicAuth: { username: 'u' } }, 'basicAuth.password'],
    ['BASIC username with a colon', { authType: 'BASIC', basicAuth: { username: 'a:b', password: 'p' } }, 'basicAuth.username'],
    ['more than 20 headers', { headers: Array.from({ length: 21 }, (_, i) => ({ name: `X-${i}`, value: 'v' })) }, 'headers'],
    ['Authorization header', { headers: [{ name: 'Authorization', value: 'Bearer x' }] }, 'headers[0].name'],
    ['hop-by-hop header', { headers: [{ name: 'X-Ok', value: '1' }, { name: 'Transfer-Encoding', value: 'chunked' }] }, 'headers[1].name'],
    ['Expect header (the transport does not send it)', { headers: [{ name: 'Expect', value: '100-continue' }] }, 'headers[0].name'],
    ['invalid header name', { headers: [{ name: 'Bad Header', value: '1' }] }, 'headers[0].name'],
    ['header with unknown placeholder', { headers: [{ name: 'X-A', value: '{nope}' }] }, 'headers[0].value'],
    ['header without value', { headers: [{ name: 'X-A' }] }, 'headers[0].value'],
    ['failureNotifyUserIds of another organization', { failureNotifyUserIds: [2_000_000_000] }, 'failureNotifyUserIds[0]'],
    ['failureNotifyUserIds not integers', { failureNotifyUserIds: ['1'] }, 'failureNotifyUserIds'],
    ['null name', { name: null }, 'name'],
  ];

  it.each(BAD)('POST rejects %s with a 400 naming the field, storing nothing', async (_label, over, field) => {
    const before = await count();
    const res = await post(valid(over));
    expect(res.status).toBe(400);
    expect(res.body).toMatchObject({ statusCode: 400, error: 'Bad Request' });
    expect(res.body.details.map((d: { field: string }) => d.field)).toContain(field);
    for (const d of res.body.details) expect(d.message).toEqual(expect.any(String));
    expect(await count()).toBe(before);
  });

  it('lists the available placeholders when one is unknown', async () => {
    const res = await post(valid({ bodyTemplate: '{"a": "{batery_level}"}', triggerType: 'DEVICE_LOW_BATTERY' }));
    expect(res.status).toBe(400);
    expect(res.body.details[0].message).toMatch(/unknown placeholder "batery_level".*Available: .*battery_level.*device_id/);
  });

  it('PUT with bad input answers 400 and leaves the stored webhook unchanged', async () => {
    const created = await post(valid({ name: 'stable', failureLimit: 4 }));
    const before = await api.prisma.webhook.findUniqueOrThrow({ where: { id: created.body.id } });
    for (const [, over, field] of BAD.filter(([label]) => !label.startsWith('missing') && label !== 'null name')) {
      const res = await put(created.body.id, over);
      expect(res.status).toBe(400);
      expect(res.body.details.map((d: { field: string }) => d.field)).toContain(field);
    }
    expect((await put(created.body.id, { name: null })).status).toBe(400);
    const after = await api.prisma.webhook.findUniqueOrThrow({ where: { id: created.body.id } });
    expect(after).toEqual(before);
  });

  it('answers 413 for an oversized body and 400 for malformed JSON, storing nothing', async () => {
    const before = await count();
    const big = await post(valid({ bodyTemplate: 'x'.repeat(2 * 1024 * 1024) }));
    expect(big.status).toBe(413);
    expect(big.body).toMatchObject({ statusCode: 413, error: 'Payload Too Large' });
    const malformed = await api.http().post(BASE).auth(admin.token, { type: 'bearer' }).set('Content-Type', 'application/json').send('{"name": ');
    expect(malformed.status).toBe(400);
    expect(malformed.body.details).toEqual([{ field: 'body', message: expect.any(String) }]);
    const arrayBody = await post([valid()]);
    expect(arrayBody.status).toBe(400);
    expect(await count()).toBe(before);
  });

  it('allows loopback targets only where HOOKLINE_ALLOWED_TARGET_CIDRS opens them', async () => {
    const open = await post(valid({ name: 'local', url: 'http://127.0.0.1:9999/hook' }));
    expect(open.status).toBe(201); // the test run opens 127.0.0.0/8
    const strict = await ApiHarness.start({ HOOKLINE_ALLOWED_TARGET_CIDRS: '' });
    try {
      const res = await strict.http().post(BASE).auth(admin.token, { type: 'bearer' }).send(valid({ url: 'http://127.0.0.1:9999/hook' }));
      expect(res.status).toBe(400);
      expect(res.body.details[0]).toEqual({ field: 'url', message: expect.stringMatching(/loopback/) });
      const v6 = await strict.http().post(BASE).auth(admin.token, { type: 'bearer' }).send(valid({ url: 'http://[::1]/hook' }));
      expect(v6.status).toBe(400);
    } finally {
      await strict.close();
    }
  });

  it('never writes a secret, token or signing secret to the log', () => {
    const logs = ApiHarness.allLogText();
    expect(logs.length).toBeGreaterThan(0);
    expect(logs).toContain('webhook created');
    for (const s of secrets) expect(logs).not.toContain(s);
    expect(logs).not.toMatch(/whsec_|hls_|Bearer ey/);
  });
});
