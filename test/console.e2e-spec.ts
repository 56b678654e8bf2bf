import type { Browser, Page } from 'playwright-core';
import { ApiHarness, OrgAdmin, unique } from './support/api-harness';
import { collectErrors, launchBrowser } from './support/browser';
import { Receiver, eventually } from './support/receiver';
import { WorkerHarness } from './support/worker-harness';

const DEVICE = '6f1c1a52-3b0e-4c7d-9a51-2f7a4f8b9c01';

/** The console (issue #14) in a real browser: sign-in, the webhook list, a portal link. */
describe('console', () => {
  let api: ApiHarness;
  let worker: WorkerHarness;
  let rx: Receiver;
  let admin: OrgAdmin;
  let browser: Browser;
  let base: string;
  let failingName: string;
  let healthyName: string;
  let childHookName: string;
  let childId: number;
  let receiverEmail: string;
  const call = (method: 'get' | 'post', path: string, body?: object, token = admin.token) => api.http()[method](path).auth(token, { type: 'bearer' }).send(body);

  beforeAll(async () => {
    rx = await Receiver.start();
    rx.respond((r) => (r.url.startsWith('/failing') ? { status: 500 } : { status: 200 }));
    api = await ApiHarness.start();
    worker = await WorkerHarness.start({ HOOKLINE_RETRY_SCHEDULE: '' });
    base = await api.listen();
    admin = await api.newOrg(unique('console'));
    healthyName = unique('healthy');
    failingName = unique('failing');
    await call('post', '/api/v1/organization/webhooks', { name: healthyName, triggerType: 'DEVICE_ADDED', url: rx.url('/ok') });
    // One failure is its limit: a real failed delivery disables it.
    const receiver = await call('post', '/api/v1/organization/users', { email: `${unique('ops')}@example.com`, name: 'Ops' });
    receiverEmail = receiver.body.email;
    const failing = await call('post', '/api/v1/organization/webhooks', { name: failingName, triggerType: 'DEVICE_LOW_BATTERY', url: rx.url('/failing'), failureLimit: 1, failureNotifyUserIds: [receiver.body.id] });
    await call('post', '/api/v1/organization/events', { event_type: 'device.low_battery', device_id: DEVICE, battery_level: 0.1 });
    await eventually(async () => (await call('get', `/api/v1/organization/webhooks/${failing.body.id}`)).body.status === 'DISABLED_DUE_TO_ERRORS', 15_000, 'the failing webhook disabled');
    childId = (await call('post', '/api/v1/organization/children', { name: unique('customer') })).body.id;
    childHookName = unique('customer-hook');
    await call('post', `/api/v1/organization/webhooks?orgId=${childId}`, { name: childHookName, triggerType: 'DEVICE_ADDED', url: rx.url('/child') });
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser?.close();
    await worker.close();
    await api.close();
    await rx.close();
  });

  const openPage = async (width: number): Promise<{ page: Page; errors: string[] }> => {
    const page = await browser.newPage({ viewport: { width, height: 800 } });
    return { page, errors: collectErrors(page) };
  };

  it('signs in with the keyboard and lists the webhooks: status badge, failures against the limit, attempts', async () => {
    const { page, errors } = await openPage(1280);
    await page.goto(`${base}/console/`);
    // The client id field takes the focus once the app has rendered.
    await page.locator('input[name=clientId]:focus').waitFor();
    await page.keyboard.type(admin.clientId);
    await page.keyboard.press('Tab');
    await page.keyboard.type(admin.clientSecret);
    await page.keyboard.press('Enter');
    const failingRow = page.locator('tr', { hasText: failingName });
    await failingRow.waitFor();
    expect(await failingRow.locator('.badge').textContent()).toBe('Disabled due to errors');
    expect(await failingRow.locator('.failures .count').textContent()).toBe('1 / 1');
    expect(await failingRow.locator('td[data-label="Attempts"]').textContent()).toBe('1');
    expect(await page.locator('tr', { hasText: healthyName }).locator('.badge').textContent()).toBe('Enabled');
    expect(await page.locator('header select[name=organization]').inputValue()).toBe(String(admin.organizationId));
    // Filter by status.
    await page.selectOption('select[name=status]', 'DISABLED_DUE_TO_ERRORS');
    await page.locator('tr', { hasText: healthyName }).waitFor({ state: 'detached' });
    expect(await page.locator('tbody tr').count()).toBe(1);
    expect(errors).toEqual([]);
    await page.close();
  });

  it('says so when the secret is wrong', async () => {
    const { page, errors } = await openPage(1280);
    await page.goto(`${base}/console/`);
    await page.fill('input[name=clientId]', admin.clientId);
    await page.fill('input[name=clientSecret]', 'wrong');
    await page.click('button[type=submit]');
    expect(await page.locator('[role=alert]').textContent()).toBe('Unknown client id or wrong secret');
    // The failed token request's 401 is the browser's own console line, not the app's.
    expect(errors.filter((e) => !e.includes('401'))).toEqual([]);
    await page.close();
  });

  it('opens a portal link signed in to that organization only, at 390 px, and drops the token from the address bar', async () => {
    const link = await call('post', `/api/v1/organization/portal-links?orgId=${childId}`, { ttlSeconds: 300, permissions: ['WEBHOOKS_READ'] });
    const { page, errors } = await openPage(390);
    await page.goto(`${base}${link.body.url}`);
    await page.locator('tr', { hasText: childHookName }).waitFor();
    expect(await page.locator('tbody tr').count()).toBe(1);
    expect(await page.locator('header select[name=organization]').inputValue()).toBe(String(childId));
    // Its subtree only: the parent is not offered.
    expect(await page.locator('header select[name=organization] option').count()).toBe(1);
    expect(page.url()).toBe(`${base}/console/`);
    // Nothing wider than the phone's screen.
    expect(await page.evaluate('document.documentElement.scrollWidth')).toBeLessThanOrEqual(390);
    expect(errors).toEqual([]);
    await page.close();
  });

  const signIn = async (page: Page) => {
    await page.goto(`${base}/console/`);
    await page.fill('input[name=clientId]', admin.clientId);
    await page.fill('input[name=clientSecret]', admin.clientSecret);
    await page.click('button[type=submit]');
    await page.locator('h2#webhooks-title').waitFor();
  };

  it('creates a webhook: API errors beside their field, the live preview, a test send to a receiver, save; then its delivery and attempt', async () => {
    const { page, errors } = await openPage(1280);
    await signIn(page);
    await page.click('text=New webhook');
    const name = unique('from-console');
    await page.locator('select[name=triggerType] option[value=DEVICE_LOW_BATTERY]').waitFor({ state: 'attached' });
    await page.fill('input[name=name]', name);
    // A data trigger asks for its filter; the others do not.
    await page.selectOption('select[name=triggerType]', 'DEVICE_DATASTREAM_UPDATE');
    await page.locator('input[name=datastreamId]').waitFor();
    await page.selectOption('select[name=triggerType]', 'DEVICE_LOW_BATTERY');
    await page.locator('input[name=datastreamId]').waitFor({ state: 'detached' });
    await page.fill('input[name=url]', rx.url('/from-console/{device_id}'));
    await page.fill('textarea[name=bodyTemplate]', '{"level": {batery_level}}');
    // The API's message for the field, beside it.
    expect(await page.locator('.field-error[data-field=bodyTemplate]').textContent()).toContain('unknown placeholder "batery_level"');
    await page.fill('textarea[name=bodyTemplate]', '{"level": {battery_level}}');
    const preview = page.locator('pre[aria-label="Rendered request"]');
    await preview.filter({ hasText: '{"level": 0.25}' }).waitFor();
    expect(await preview.textContent()).toContain(`POST ${rx.url(`/from-console/${DEVICE}`)}`);
    const fields = await page.locator('[aria-label="Trigger fields"]').textContent();
    expect(fields).toContain('battery_level (number)');
    expect(fields).toContain('device_id (uuid, required)');
    expect(fields).toContain('{battery_level}');

    const before = rx.requests.length;
    await page.click('text=Send a test');
    expect(await page.locator('[aria-label="Test result"] h3').textContent()).toMatch(/^Test: answered 200 in \d+ ms$/);
    expect(rx.requests.slice(before).map((r) => r.body)).toEqual(['{"level": 0.25}']);

    await page.click('button[type=submit]');
    const row = page.locator('tr', { hasText: name });
    await row.waitFor();
    const saved = (await call('get', '/api/v1/organization/webhooks?size=100')).body.items.find((w: { name: string }) => w.name === name);
    expect(saved).toMatchObject({ triggerType: 'DEVICE_LOW_BATTERY', bodyTemplate: '{"level": {battery_level}}', status: 'ENABLED' });

    await call('post', '/api/v1/organization/events', { event_type: 'device.low_battery', device_id: DEVICE, battery_level: 0.31 });
    await eventually(async () => (await call('get', `/api/v1/organization/webhooks/${saved.id}/deliveries`)).body.items[0]?.status === 'SUCCEEDED', 15_000, 'the delivery recorded');
    await row.locator('button.link').click();
    const delivery = page.locator('.deliveries > li').first();
    await delivery.waitFor();
    expect(await delivery.locator('.delivery-status').textContent()).toBe('SUCCEEDED');
    expect(await delivery.locator('.attempt').textContent()).toMatch(/^Attempt 1: 200 in \d+ ms/);
    // Redeliver: a new delivery of the same event, sent again.
    const sent = rx.requests.length;
    await delivery.locator('text=Redeliver').click();
    await page.locator('.deliveries > li').nth(1).waitFor();
    await rx.waitFor(sent + 1);
    expect(rx.requests.at(-1)!.body).toBe('{"level": 0.31}');
    // A new signing secret, shown once, copied with the button.
    await page.context().grantPermissions(['clipboard-read', 'clipboard-write'], { origin: base });
    await page.click('text=Rotate secret');
    const secret = await page.locator('[aria-label="New signing secret"] code').textContent();
    expect(secret).toMatch(/^whsec_/);
    await page.click('[aria-label="New signing secret"] button');
    await page.locator('[aria-label="New signing secret"] button', { hasText: 'Copied' }).waitFor();
    expect(await page.evaluate('navigator.clipboard.readText()')).toBe(secret);
    expect(errors.filter((e) => !e.includes('400'))).toEqual([]); // the preview's 400s while the template was wrong
    await page.close();
  });

  it('edits a webhook: a header, Basic auth (its password write-only), a failure receiver; the stored secret is kept when left empty', async () => {
    const { page, errors } = await openPage(1280);
    await signIn(page);
    await page.locator('tr', { hasText: healthyName }).locator('button.link').click();
    await page.click('text=Edit');
    await page.click('text=Add a header');
    await page.fill('input[name=header-name-0]', 'X-Device');
    await page.fill('input[name=header-value-0]', '{device_id}');
    await page.selectOption('select[name=authType]', 'BASIC');
    await page.fill('input[name=basicUsername]', 'hooks');
    await page.fill('input[name=basicPassword]', 's3cret');
    await page.check(`text=${receiverEmail}`);
    const preview = page.locator('pre[aria-label="Rendered request"]');
    await preview.filter({ hasText: `x-device: ${DEVICE}` }).waitFor();
    expect(await preview.textContent()).toContain('authorization: Basic <hooks:password, base64>');
    await page.click('button[type=submit]');
    await page.locator('h2#webhooks-title').waitFor();
    const stored = (await call('get', '/api/v1/organization/webhooks?size=100')).body.items.find((w: { name: string }) => w.name === healthyName);
    expect(stored).toMatchObject({ headers: [{ name: 'X-Device', value: '{device_id}' }], authType: 'BASIC', basicAuth: { username: 'hooks' } });
    expect(stored.failureNotifyUserIds).toHaveLength(1);
    // Saved again without retyping the password: the stored one stays and is the one sent.
    await page.locator('tr', { hasText: healthyName }).locator('button.link').click();
    await page.click('text=Edit');
    await page.fill('input[name=failureLimit]', '7');
    await page.click('button[type=submit]');
    await page.locator('h2#webhooks-title').waitFor();
    const sent = rx.requests.length;
    await call('post', '/api/v1/organization/events', { event_type: 'device.added', device_id: DEVICE });
    const [request] = (await rx.waitFor(sent + 1)).slice(sent);
    expect(request.headers.authorization).toBe(`Basic ${Buffer.from('hooks:s3cret').toString('base64')}`);
    expect(request.headers['x-device']).toBe(DEVICE);
    expect(errors.filter((e) => !e.includes('400'))).toEqual([]); // preview 400s while the auth was half typed
    await page.close();
  });

  it('re-enables a webhook the system disabled', async () => {
    const { page, errors } = await openPage(1280);
    await signIn(page);
    await page.locator('tr', { hasText: failingName }).locator('button.link').click();
    await page.click('text=Re-enable');
    await page.locator('p .badge.enabled').waitFor();
    const failing = (await call('get', '/api/v1/organization/webhooks?size=100')).body.items.find((w: { name: string }) => w.name === failingName);
    expect(failing).toMatchObject({ status: 'ENABLED', consecutiveFailures: 0 });
    // Its failed delivery is in its log and in its last 24 hours' figures.
    expect(await page.locator('.deliveries .delivery-status').first().textContent()).toBe('FAILED');
    expect(await page.locator('[data-stat=attempts]').textContent()).toBe('1');
    expect(await page.locator('[data-stat=successRate]').textContent()).toBe('0 %');
    expect(await page.locator('figure.stats svg rect.failed').count()).toBe(1);
    expect(await page.locator('figure.stats svg[aria-label^="Attempt duration per minute"] circle').count()).toBe(1);
    // Its failure receiver was told.
    await page.click('nav.tabs >> text=Notifications');
    const note = page.locator('table.notifications tbody tr', { hasText: receiverEmail });
    await note.waitFor();
    expect(await note.locator('td[data-label=Webhook]').textContent()).toBe(String(failing.id));
    expect(errors).toEqual([]);
    await page.close();
  });

  it("filters the organization's delivery log", async () => {
    const { page, errors } = await openPage(1280);
    await signIn(page);
    await page.click('nav.tabs >> text=Deliveries');
    await page.locator('.deliveries > li').first().waitFor();
    await page.selectOption('form[aria-label="Filter deliveries"] select[name=status]', 'FAILED');
    await page.click('form[aria-label="Filter deliveries"] button[type=submit]');
    await page.locator('.deliveries .delivery-status.succeeded').first().waitFor({ state: 'detached' });
    const failing = (await call('get', '/api/v1/organization/webhooks?size=100')).body.items.find((w: { name: string }) => w.name === failingName);
    const items = page.locator('.deliveries > li');
    expect(await items.count()).toBe(1);
    expect(await items.first().textContent()).toContain(`webhook ${failing.id}`);
    // A time range that ends before anything was delivered.
    await page.fill('form[aria-label="Filter deliveries"] input[name=to]', '2020-01-01T00:00');
    await page.click('form[aria-label="Filter deliveries"] button[type=submit]');
    await page.locator('text=No deliveries.').waitFor();
    await page.fill('form[aria-label="Filter deliveries"] input[name=to]', '');
    await page.fill('input[name=eventId]', 'not-a-uuid');
    await page.click('form[aria-label="Filter deliveries"] button[type=submit]');
    expect(await page.locator('[role=alert]').textContent()).toContain('eventId must be a UUID');
    expect(errors.filter((e) => !e.includes('400'))).toEqual([]);
    await page.close();
  });

  it('switches to a sub-organization, and manages users and API clients there', async () => {
    const { page, errors } = await openPage(1280);
    await signIn(page);
    await page.locator(`header select[name=organization] option[value="${childId}"]`).waitFor({ state: 'attached' });
    await page.selectOption('header select[name=organization]', String(childId));
    await page.locator('tr', { hasText: childHookName }).waitFor();
    expect(await page.locator('tbody tr').count()).toBe(1);

    await page.click('nav.tabs >> text=Users and clients');
    const email = `${unique('support')}@example.com`;
    await page.fill('form[aria-label="Add a user"] input[name=email]', email);
    await page.fill('form[aria-label="Add a user"] input[name=userName]', 'Support');
    await page.click('text=Add user');
    await page.locator('ul[aria-label=Users] li', { hasText: email }).waitFor();
    expect((await call('get', `/api/v1/organization/users?orgId=${childId}`)).body.items.map((u: { email: string }) => u.email)).toContain(email);

    const clientName = unique('reader');
    await page.fill('input[name=clientName]', clientName);
    await page.click('text=Create client');
    const shown = page.locator('[aria-label="New client secret"] code');
    await shown.first().waitFor();
    const [clientId, clientSecret] = await shown.allTextContents();
    expect(clientSecret).toMatch(/^hls_/);
    // A real client of the sub-organization, with the permission ticked by default.
    const issued = await api.http().post('/oauth2/token').auth(clientId, clientSecret).type('form').send({ grant_type: 'client_credentials' });
    expect(issued.body).toMatchObject({ scope: 'WEBHOOKS_READ' });
    const row = page.locator('ul[aria-label="API clients"] li', { hasText: clientName });
    await row.locator('text=Revoke').click();
    await row.waitFor({ state: 'detached' });
    expect((await api.http().post('/oauth2/token').auth(clientId, clientSecret).type('form').send({ grant_type: 'client_credentials' })).status).toBe(401);
    expect(errors).toEqual([]);
    await page.close();
  });

  it('fits every view in 390 px and reaches them with the keyboard', async () => {
    const { page, errors } = await openPage(390);
    await signIn(page);
    const width = () => page.evaluate('document.documentElement.scrollWidth');
    expect(await width()).toBeLessThanOrEqual(390);
    // Tab to "New webhook" and open it with Enter.
    const newButton = page.locator('button', { hasText: 'New webhook' });
    for (let i = 0; i < 20 && !(await newButton.evaluate((b) => b === (b.ownerDocument as { activeElement: unknown }).activeElement)); i++) await page.keyboard.press('Tab');
    await page.keyboard.press('Enter');
    await page.locator('h2#editor-title').waitFor();
    await page.fill('input[name=name]', 'narrow');
    await page.fill('input[name=url]', rx.url('/narrow/{device_id}'));
    await page.locator('pre[aria-label="Rendered request"]').waitFor();
    expect(await width()).toBeLessThanOrEqual(390);
    await page.click('text=Cancel');
    await page.locator('tr', { hasText: failingName }).locator('button.link').click();
    await page.locator('figure.stats').waitFor();
    expect(await width()).toBeLessThanOrEqual(390);
    for (const tab of ['Deliveries', 'Notifications', 'Users and clients']) {
      await page.click(`nav.tabs >> text=${tab}`);
      await page.locator('main h2').filter({ hasText: tab === 'Users and clients' ? 'Users and API clients' : tab }).waitFor();
      // The tab in the message if it is too wide.
      expect({ tab, fits: Number(await width()) <= 390 }).toEqual({ tab, fits: true });
    }
    expect(errors.filter((e) => !e.includes('400'))).toEqual([]);
    await page.close();
  });

  it('pages through more webhooks than fit on a page', async () => {
    const many = (await call('post', '/api/v1/organization/children', { name: unique('many') })).body.id;
    for (let i = 0; i < 21; i++) {
      const res = await call('post', `/api/v1/organization/webhooks?orgId=${many}`, { name: `hook ${String(i).padStart(2, '0')}`, triggerType: 'DEVICE_ADDED', url: rx.url('/many') });
      expect(res.status).toBe(201);
    }
    const link = await call('post', `/api/v1/organization/portal-links?orgId=${many}`, { permissions: ['WEBHOOKS_READ'] });
    const { page, errors } = await openPage(1280);
    await page.goto(`${base}${link.body.url}`);
    await page.locator('nav.pager', { hasText: 'Page 1 of 2' }).waitFor();
    expect(await page.locator('tbody tr').count()).toBe(20);
    await page.click('nav.pager >> text=Next');
    await page.locator('nav.pager', { hasText: 'Page 2 of 2' }).waitFor();
    await page.locator('tbody tr').nth(1).waitFor({ state: 'detached' });
    expect(await page.locator('tbody tr').count()).toBe(1);
    expect(errors).toEqual([]);
    await page.close();
  });

  it('serves its pages for any path under /console and its assets as files', async () => {
    const res = await fetch(`${base}/console/webhooks/12`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-security-policy')).toContain("default-src 'self'");
    const html = await res.text();
    const asset = /src="(\/console\/assets\/[^"]+\.js)"/.exec(html)![1];
    const js = await fetch(`${base}${asset}`);
    expect(js.status).toBe(200);
    expect(js.headers.get('content-type')).toMatch(/javascript/);
  });
});
