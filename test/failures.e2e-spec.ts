import { createHash } from 'node:crypto';
import Redis from 'ioredis';
import { SecretCipher } from '@hookline/common';
import { Webhook as StandardWebhook } from 'standardwebhooks';
import { ApiHarness, NO_ENQUEUE, OrgAdmin, unique } from './support/api-harness';
import { OAuthServer } from './support/oauth-server';
import { workerProcessEnv } from './support/env';
import { AppProcess, freePort } from './support/processes';
import { Receiver, eventually } from './support/receiver';
import { SmtpSink } from './support/smtp-sink';
import { WorkerHarness } from './support/worker-harness';
import { DeliveryQueue } from '@hookline/queue';
import { RetentionService } from '../apps/worker/src/retention/retention.service';

const DEVICE = '6f1c1a52-3b0e-4c7d-9a51-2f7a4f8b9c01';

describe('Failures, auth, counters and operations (SPEC §5.2–§5.7)', () => {
  let api: ApiHarness;
  let worker: WorkerHarness | null;
  let admin: OrgAdmin;
  let rx: Receiver;
  let smtp: SmtpSink;

  const workerEnv = () => ({ HOOKLINE_RETRY_SCHEDULE: '', SMTP_URL: smtp.url, SMTP_FROM: 'hookline@test.local', HOOKLINE_SWEEP_INTERVAL_MS: '300', HOOKLINE_SWEEP_GRACE_MS: '1000' });

  beforeAll(async () => {
    rx = await Receiver.start();
    smtp = await SmtpSink.start();
    api = await ApiHarness.start();
    worker = await WorkerHarness.start(workerEnv());
    admin = await api.newOrg(unique('failures'));
  });
  afterAll(async () => {
    await worker?.close();
    await api.close();
    await rx.close();
    await smtp.close();
  });
  beforeEach(() => {
    rx.requests.length = 0;
    rx.respond(() => ({ status: 200 }));
  });

  const as = (who: OrgAdmin) => ({
    post: (path: string, body: object = {}) => api.http().post(path).auth(who.token, { type: 'bearer' }).send(body),
    put: (path: string, body: object) => api.http().put(path).auth(who.token, { type: 'bearer' }).send(body),
    get: (path: string) => api.http().get(path).auth(who.token, { type: 'bearer' }),
    del: (path: string) => api.http().delete(path).auth(who.token, { type: 'bearer' }),
  });
  const createHook = async (body: Record<string, unknown>, who = admin) => {
    const res = await as(who).post('/api/v1/organization/webhooks', { name: unique('hook'), triggerType: 'DEVICE_ADDED', ...body });
    expect(res.status).toBe(201);
    return res.body as { id: number; signingSecret: string };
  };
  const publish = (n = 1, who = admin, type = 'device.added') =>
    as(who).post('/api/v1/organization/events', n === 1 ? { event_type: type, device_id: DEVICE } : { events: Array.from({ length: n }, () => ({ event_type: type, device_id: DEVICE })) });
  const hook = async (id: number, who = admin) => (await as(who).get(`/api/v1/organization/webhooks/${id}`)).body;
  /** Waits on the upkeep table until two sweeps have started after `after`: the first of them has then finished. */
  const sweepsAfter = async (after: Date) => {
    let last = after;
    let seen = 0;
    await eventually(async () => {
      const row = await api.prisma.upkeep.findUnique({ where: { task: 'sweep' } });
      if (row && row.lastStartedAt > last) [last, seen] = [row.lastStartedAt, seen + 1];
      return seen >= 2;
    }, 15_000, 'two sweeps');
  };
  const deliveries = async (id: number, who = admin) => (await as(who).get(`/api/v1/organization/webhooks/${id}/deliveries`)).body.items;
  const settled = (id: number, count: number, who = admin) =>
    eventually(async () => {
      const ds = await deliveries(id, who);
      return ds.length >= count && ds.every((d: { status: string }) => d.status !== 'PENDING') ? ds : null;
    }, 15_000, `${count} settled deliveries of webhook ${id}`);

  describe('failure counting and auto-disable (SPEC §5.4)', () => {
    it('counts every attempt, resets on success, and disables exactly at the limit, telling each receiver once', async () => {
      const org = await api.newOrg(unique('count'));
      const u = (await as(org).post('/api/v1/organization/users', { email: 'ops@example.com', name: 'Ops' })).body.id;
      // A credential in the query string, as some receivers want it: never in the email.
      const h = await createHook({ url: `${rx.url('/count')}?token=s3cret-in-query`, failureLimit: 3, failureNotifyUserIds: [u] }, org);
      rx.respond(() => ({ status: 500, body: 'boom' }));
      await publish(1, org);
      await settled(h.id, 1, org);
      await publish(1, org);
      await settled(h.id, 2, org);
      expect(await hook(h.id, org)).toMatchObject({ consecutiveFailures: 2, totalAttempts: 2, status: 'ENABLED' });

      rx.respond(() => ({ status: 200 }));
      await publish(1, org);
      await settled(h.id, 3, org);
      const afterSuccess = await hook(h.id, org);
      expect(afterSuccess).toMatchObject({ consecutiveFailures: 0, totalAttempts: 3, status: 'ENABLED' });
      expect(afterSuccess.lastTriggeredAt).toBeGreaterThan(Date.now() - 60_000);

      rx.respond(() => ({ status: 500 }));
      for (let i = 1; i <= 3; i++) {
        await publish(1, org);
        await settled(h.id, 3 + i, org);
        expect((await hook(h.id, org)).status).toBe(i < 3 ? 'ENABLED' : 'DISABLED_DUE_TO_ERRORS');
      }
      expect(await hook(h.id, org)).toMatchObject({ consecutiveFailures: 3, totalAttempts: 6 });

      // A disabled webhook gets no new deliveries.
      expect((await publish(1, org)).body.matchedWebhooks).toBe(0);

      const notes = await eventually(async () => {
        const items = (await as(org).get('/api/v1/organization/notifications')).body.items;
        return items.length && items[0].emailStatus === 'SENT' ? items : null;
      });
      expect(notes).toHaveLength(1);
      expect(notes[0]).toMatchObject({ webhookId: h.id, userId: u, email: 'ops@example.com', subject: expect.stringContaining('was disabled') });
      expect(notes[0].message).toMatch(/3 consecutive failed attempts reached its failure limit of 3/);
      const mail = await eventually(() => smtp.mails.find((m) => m.to.includes('ops@example.com')));
      expect(mail.text).toContain('was disabled');
      expect(mail.text).toContain('/count?[redacted]');
      expect(mail.text + notes[0].message).not.toContain('s3cret-in-query');
      expect(mail.text).toMatch(/3 consecutive failed attempts reached its failure limit of 3/);

      // Re-enabling resets the count.
      const re = await as(org).put(`/api/v1/organization/webhooks/${h.id}`, { status: 'ENABLED' });
      expect(re.body).toMatchObject({ status: 'ENABLED', consecutiveFailures: 0 });
    });

    it('410 Gone disables the webhook at once', async () => {
      const h = await createHook({ url: rx.url('/gone'), failureLimit: 10 });
      rx.respond(() => ({ status: 410 }));
      await publish();
      const [d] = await settled(h.id, 1);
      expect(d.status).toBe('FAILED');
      expect(d.attempts[0]).toMatchObject({ responseStatus: 410, error: expect.stringMatching(/410 Gone/) });
      expect(await hook(h.id)).toMatchObject({ status: 'DISABLED_DUE_TO_ERRORS', consecutiveFailures: 1 });
    });

    it('limit 5, 50 simultaneous failing deliveries over two worker processes: disabled once, one email per receiver', async () => {
      await worker!.close();
      worker = null;
      const org = await api.newOrg(unique('race'));
      const mk = (email: string) => as(org).post('/api/v1/organization/users', { email, name: email });
      const ra = (await mk('race-a@example.com')).body.id;
      const rb = (await mk('race-b@example.com')).body.id;
      const h = await createHook({ url: rx.url('/race'), failureLimit: 5, failureNotifyUserIds: [ra, rb] }, org);
      // Every request is held a little so the two processes overlap.
      rx.respond(() => ({ status: 500, delayMs: 50 }));
      const env = { HOOKLINE_RETRY_SCHEDULE: '', HOOKLINE_WORKER_CONCURRENCY: '25', SMTP_URL: smtp.url, SMTP_FROM: 'hookline@test.local' };
      const ports = [await freePort(), await freePort()];
      const mailsBefore = smtp.mails.length;
      const procs = ports.map((p) => new AppProcess('dist/apps/worker/main.js', [], workerProcessEnv({ ...env, HOOKLINE_WORKER_METRICS_PORT: String(p) })));
      const queue = api.app.get(DeliveryQueue).deliveries;
      try {
        await Promise.all(procs.map((p) => p.waitFor(/worker ready/)));
        // 50 publishers at once while the queue is paused, so all 50 deliveries exist
        // and wait; on resume both processes take jobs at the same moment.
        await queue.pause();
        const answers = await Promise.all(Array.from({ length: 50 }, () => publish(1, org)));
        expect(answers.every((a) => a.status === 202 && a.body.matchedWebhooks === 1)).toBe(true);
        await queue.resume();
        await settled(h.id, 50, org);
        const state = await hook(h.id, org);
        expect(state.status).toBe('DISABLED_DUE_TO_ERRORS');
        const attempts = await api.prisma.attempt.count({ where: { delivery: { webhookId: h.id } } });
        expect(attempts).toBeGreaterThanOrEqual(5);
        // Counters agree with the attempts recorded: none lost, none counted twice.
        expect(state.totalAttempts).toBe(attempts);
        // The count that disabled it, kept: attempts in flight at the disable, failing late, do not raise it.
        expect(state.consecutiveFailures).toBeGreaterThanOrEqual(5);
        expect(state.consecutiveFailures).toBeLessThanOrEqual(attempts);
        const ds = await api.prisma.delivery.groupBy({ by: ['status'], where: { webhookId: h.id }, _count: true });
        const byStatus = Object.fromEntries(ds.map((d) => [d.status, d._count]));
        expect(byStatus.FAILED).toBe(attempts);
        expect((byStatus.CANCELLED ?? 0) + attempts).toBe(50);
        // Both processes worked, and the receiver saw exactly the attempts recorded.
        expect(procs.every((p) => /"msg":"delivery job".*"failed":\d+/.test(p.text()))).toBe(true);
        expect(rx.requests.filter((r) => r.url === '/race')).toHaveLength(attempts);

        const notes = await eventually(async () => {
          const items = (await as(org).get('/api/v1/organization/notifications')).body.items;
          return items.length === 2 && items.every((n: { emailStatus: string }) => n.emailStatus === 'SENT') ? items : null;
        });
        expect(notes.map((n: { userId: number }) => n.userId).sort()).toEqual([ra, rb].sort());
        // The email names the count that disabled the webhook, which is the count it still shows.
        for (const n of notes) expect(n.message).toContain(`${state.consecutiveFailures} consecutive failed attempts reached its failure limit of 5`);
        // Both SENT: each mail was in the sink before its status moved, and no other notification exists to mail.
        const mails = smtp.mails.slice(mailsBefore).filter((m) => m.to.some((t) => t.startsWith('race-')));
        expect(mails.map((m) => m.to[0]).sort()).toEqual(['race-a@example.com', 'race-b@example.com']);

        // The worker's /metrics shows the outcomes.
        const metrics = await (await fetch(`http://127.0.0.1:${ports[0]}/metrics`)).text();
        expect(metrics).toMatch(/hookline_deliveries_total\{outcome="failed"\} \d+/);
        expect(metrics).toContain('hookline_attempt_duration_seconds_bucket');
        expect(metrics).toContain('hookline_queue_depth');
        expect(metrics).toMatch(/hookline_webhooks_disabled \d+/);
        expect(metrics).toMatch(/^process_cpu_seconds_total \d/m);
        expect(metrics).not.toContain('hookline_http_requests_total');
        expect(metrics).not.toContain('hookline_ingest_waits_total');
        expect((await fetch(`http://127.0.0.1:${ports[1]}/health/ready`)).status).toBe(200);
      } finally {
        await queue.resume();
        for (const p of procs) p.child.kill('SIGTERM');
        await Promise.all(procs.map((p) => p.exited));
        worker = await WorkerHarness.start(workerEnv());
      }
    });
  });

  describe('OAuth2 client credentials (SPEC §5.2)', () => {
    let oauth: OAuthServer;
    beforeAll(async () => {
      oauth = await OAuthServer.start();
    });
    afterAll(() => oauth.close());

    // Each test in an organization of its own, so only its webhook counts token requests.
    let org: OrgAdmin;
    beforeEach(async () => {
      org = await api.newOrg(unique('oauth'));
    });
    const oauthHook = (over: Record<string, unknown> = {}) =>
      createHook(
        {
          url: oauth.resourceUrl(),
          authType: 'OAUTH2',
          oauth2: { tokenUrl: oauth.tokenUrl, clientId: oauth.clientId, clientSecret: oauth.clientSecret, scope: 'hooks.write', audience: 'https://api.example.com' },
          ...over,
        },
        org,
      );

    it('fetches a token once, caches it across deliveries, and fetches once for concurrent misses', async () => {
      oauth.tokenDelayMs = 300;
      const h = await oauthHook();
      const before = oauth.tokenRequests;
      await publish(10, org);
      const ds = await settled(h.id, 10, org);
      expect(ds.every((d: { status: string }) => d.status === 'SUCCEEDED')).toBe(true);
      expect(oauth.tokenRequests - before).toBe(1);
      expect(oauth.bodies.at(-1)).toContain('scope=hooks.write');
      expect(oauth.bodies.at(-1)).toContain('audience=');
      await publish(2, org);
      await settled(h.id, 12, org);
      expect(oauth.tokenRequests - before).toBe(1);
      oauth.tokenDelayMs = 0;

      // The shared cache's key is a keyed digest of the credentials, not a plain hash of the secret.
      const redis = new Redis(process.env.REDIS_URL!);
      try {
        const keys = (await redis.keys(`hookline:oauth2:${h.id}:*`)).filter((k) => !k.endsWith(':lock'));
        const parts = [oauth.tokenUrl, oauth.clientId, oauth.clientSecret, 'hooks.write', 'https://api.example.com'].join('\u0000');
        const keyed = new SecretCipher(Buffer.from(process.env.HOOKLINE_ENCRYPTION_KEY!, 'base64')).fingerprint(parts).slice(0, 32);
        expect(keys).toEqual([`hookline:oauth2:${h.id}:${keyed}`]);
        expect(keys[0]).not.toContain(createHash('sha256').update(parts).digest('hex').slice(0, 16));
      } finally {
        redis.disconnect();
      }
    });

    it('on 401 drops the token, fetches a new one and retries once within the same attempt', async () => {
      const h = await oauthHook();
      await publish(1, org);
      await settled(h.id, 1, org);
      const before = oauth.tokenRequests;
      oauth.revokeAll();
      await publish(1, org);
      const ds = await settled(h.id, 2, org);
      const latest = ds[0];
      expect(latest.status).toBe('SUCCEEDED');
      expect(latest.attempts).toHaveLength(1);
      expect(latest.attempts[0].responseStatus).toBe(200);
      expect(oauth.tokenRequests - before).toBe(1);
    });

    it('refreshes the token shortly before it expires', async () => {
      // A 4 s token is used for 3 s (refreshed a second early).
      oauth.expiresIn = 4;
      try {
        const h = await oauthHook();
        const before = oauth.tokenRequests;
        await publish(1, org);
        await settled(h.id, 1, org);
        await publish(1, org);
        await settled(h.id, 2, org);
        expect(oauth.tokenRequests - before).toBe(1);
        // The shared cache entry lives until the token's refresh time: its expiry is the moment to wait for.
        const redis = new Redis(process.env.REDIS_URL!);
        try {
          await eventually(async () => (await redis.keys(`hookline:oauth2:${h.id}:*`)).filter((k) => !k.endsWith(':lock')).length === 0, 15_000, 'the cached token past its refresh time');
        } finally {
          redis.disconnect();
        }
        await publish(1, org);
        const ds = await settled(h.id, 3, org);
        expect(ds.every((d: { status: string }) => d.status === 'SUCCEEDED')).toBe(true);
        expect(oauth.tokenRequests - before).toBe(2);
      } finally {
        oauth.expiresIn = 3600;
      }
    });

    it('a token-endpoint failure is a failed attempt with the error recorded', async () => {
      const h = await oauthHook({ oauth2: { tokenUrl: oauth.tokenUrl, clientId: oauth.clientId, clientSecret: 'wrong' } });
      await publish(1, org);
      const [d] = await settled(h.id, 1, org);
      expect(d.status).toBe('FAILED');
      expect(d.attempts[0]).toMatchObject({ responseStatus: null, error: expect.stringMatching(/^token error: .*401/) });
      expect(JSON.stringify(d)).not.toContain('wrong');
    });
  });

  describe('cancellation, redelivery, test and secret rotation', () => {
    it('cancels queued deliveries of a disabled or deleted webhook, unsent; cancelled ones can be redelivered after re-enabling', async () => {
      const paused = await ApiHarness.start({}, NO_ENQUEUE);
      try {
        const h1 = await createHook({ url: rx.url('/cancel-disabled') });
        const h2 = await createHook({ url: rx.url('/cancel-deleted') });
        // Committed but not enqueued, and not yet overdue for the sweeper.
        expect((await paused.http().post('/api/v1/organization/events').auth(admin.token, { type: 'bearer' }).send({ event_type: 'device.added', device_id: DEVICE })).body.matchedWebhooks).toBeGreaterThanOrEqual(2);
        expect((await as(admin).put(`/api/v1/organization/webhooks/${h1.id}`, { status: 'DISABLED' })).status).toBe(200);
        expect((await as(admin).del(`/api/v1/organization/webhooks/${h2.id}`)).status).toBe(204);
        const [d1] = await deliveries(h1.id);
        expect(d1).toMatchObject({ status: 'CANCELLED', attempts: [] });
        const d2 = await api.prisma.delivery.findFirstOrThrow({ where: { webhookId: h2.id } });
        expect(d2.status).toBe('CANCELLED');
        // Sweeps pass after both would have been overdue: nothing is sent.
        await sweepsAfter(new Date(d2.nextAttemptAt.getTime() + 1000));
        expect(rx.requests.filter((r) => r.url.startsWith('/cancel'))).toHaveLength(0);

        expect((await as(admin).post(`/api/v1/organization/webhooks/${h1.id}/deliveries/${d1.id}/redeliver`)).status).toBe(409);
        await as(admin).put(`/api/v1/organization/webhooks/${h1.id}`, { status: 'ENABLED' });
        const again = await as(admin).post(`/api/v1/organization/webhooks/${h1.id}/deliveries/${d1.id}/redeliver`);
        expect(again.status).toBe(202);
        expect(again.body).toMatchObject({ webhookId: h1.id, eventId: expect.any(String), status: 'PENDING' });
        await rx.waitFor(1);
        const after = await settled(h1.id, 2);
        expect(after.map((d: { status: string }) => d.status).sort()).toEqual(['CANCELLED', 'SUCCEEDED']);
      } finally {
        await paused.close();
      }
    });

    it('a worker cancels, unsent, a job whose webhook is no longer ENABLED', async () => {
      const paused = await ApiHarness.start({}, NO_ENQUEUE);
      try {
        const h = await createHook({ url: rx.url('/late-cancel'), triggerType: 'DEVICE_REMOVED' });
        await paused.http().post('/api/v1/organization/events').auth(admin.token, { type: 'bearer' }).send({ event_type: 'device.removed', device_id: DEVICE });
        // Disabled behind the API's back: only the worker's check stands between the job and the receiver.
        await api.prisma.webhook.update({ where: { id: h.id }, data: { status: 'DISABLED' } });
        const [d] = await eventually(async () => {
          const ds = await api.prisma.delivery.findMany({ where: { webhookId: h.id } });
          return ds[0]?.status === 'CANCELLED' ? ds : null;
        });
        expect(d.attemptCount).toBe(0);
        expect(rx.requests.filter((r) => r.url === '/late-cancel')).toHaveLength(0);
      } finally {
        await paused.close();
      }
    });

    it('the sweeper delivers committed work whose enqueue never happened', async () => {
      const paused = await ApiHarness.start({}, NO_ENQUEUE);
      try {
        const h = await createHook({ url: rx.url('/swept'), triggerType: 'DEVICE_TAMPERED' });
        const res = await paused.http().post('/api/v1/organization/events').auth(admin.token, { type: 'bearer' }).send({ event_type: 'device.tampered', device_id: DEVICE });
        expect(res.status).toBe(202);
        const job = await api.prisma.delivery.findFirstOrThrow({ where: { webhookId: h.id } });
        expect(job.status).toBe('PENDING');
        const [got] = await rx.waitFor(1, 10_000);
        expect(got.url).toBe('/swept');
        const [d] = await settled(h.id, 1);
        expect(d.status).toBe('SUCCEEDED');
        expect(d.attempts).toHaveLength(1);
      } finally {
        await paused.close();
      }
    });

    it('accepts events while Redis is down (the commit is the promise) and the sweeper delivers them', async () => {
      const noRedis = await ApiHarness.start({ REDIS_URL: 'redis://127.0.0.1:1' });
      try {
        const h = await createHook({ url: rx.url('/redis-down'), triggerType: 'DEVICE_CONVERTED_TO_UNMANAGED' });
        const started = Date.now();
        const res = await noRedis.http().post('/api/v1/organization/events').auth(admin.token, { type: 'bearer' }).send({ event_type: 'device.converted_to_unmanaged', device_id: DEVICE });
        expect(res.status).toBe(202);
        expect(res.body.matchedWebhooks).toBe(1);
        expect(Date.now() - started).toBeLessThan(5000);
        const [got] = await rx.waitFor(1, 10_000);
        expect(got.url).toBe('/redis-down');
        const [d] = await settled(h.id, 1);
        expect(d.status).toBe('SUCCEEDED');
      } finally {
        await noRedis.close();
      }
    });

    it('test sends one signed request now with a sample event and counts it in totalAttempts only', async () => {
      const h = await createHook({ url: rx.url('/test'), triggerType: 'DEVICE_LOW_BATTERY', bodyTemplate: '{"level": {battery_level}, "device": "{device_id}"}' });
      const res = await as(admin).post(`/api/v1/organization/webhooks/${h.id}/test`);
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({ status: 'SUCCEEDED', responseStatus: 200, requestMethod: 'POST', requestUrl: rx.url('/test'), error: null, durationMs: expect.any(Number) });
      const [got] = await rx.waitFor(1);
      expect(JSON.parse(got.body)).toEqual({ level: res.body.event.battery_level, device: res.body.event.device_id });
      expect(new StandardWebhook(h.signingSecret).verify(got.body, got.headers as Record<string, string>)).toBeTruthy();
      rx.respond(() => ({ status: 503, body: 'down for maintenance' }));
      const failed = await as(admin).post(`/api/v1/organization/webhooks/${h.id}/test`);
      expect(failed.body).toMatchObject({ status: 'FAILED', responseStatus: 503, responseBody: 'down for maintenance' });
      expect(await hook(h.id)).toMatchObject({ totalAttempts: 2, consecutiveFailures: 0, status: 'ENABLED' });
    });

    it('rotate-secret: the new secret signs, and the old one too for 24 h', async () => {
      const h = await createHook({ url: rx.url('/rotate'), triggerType: 'DEVICE_CONNECTED' });
      const rotated = await as(admin).post(`/api/v1/organization/webhooks/${h.id}/rotate-secret`);
      expect(rotated.status).toBe(200);
      expect(rotated.body.signingSecret).toMatch(/^whsec_/);
      expect(rotated.body.signingSecret).not.toBe(h.signingSecret);
      expect(rotated.body.previousSecretExpiresAt - Date.now()).toBeGreaterThan(23 * 3600_000);
      await publish(1, admin, 'device.connected');
      const [got] = await rx.waitFor(1);
      expect(String(got.headers['webhook-signature']).split(' ')).toHaveLength(2);
      for (const secret of [h.signingSecret, rotated.body.signingSecret]) {
        expect(new StandardWebhook(secret).verify(got.body, got.headers as Record<string, string>)).toMatchObject({ event_type: 'device.connected' });
      }
      expect(JSON.stringify((await as(admin).get(`/api/v1/organization/webhooks/${h.id}`)).body)).not.toContain('whsec_');
    });
  });

  describe('delivery log and operations', () => {
    it('pages and filters the delivery log; another organization cannot read it', async () => {
      const h = await createHook({ url: rx.url('/log'), triggerType: 'SPACE_DELETED' });
      rx.respond((_r, n) => ({ status: n % 2 ? 200 : 400, body: 'x'.repeat(20_000) }));
      await as(admin).post('/api/v1/organization/events', { events: Array.from({ length: 4 }, () => ({ event_type: 'space.deleted', space_id: DEVICE })) });
      await settled(h.id, 4);
      const page = (await as(admin).get(`/api/v1/organization/webhooks/${h.id}/deliveries?size=3`)).body;
      expect(page).toMatchObject({ page: 0, size: 3, total: 4 });
      expect(page.items).toHaveLength(3);
      const failed = (await as(admin).get(`/api/v1/organization/webhooks/${h.id}/deliveries?status=FAILED`)).body;
      expect(failed.total).toBe(2);
      const one = (await as(admin).get(`/api/v1/organization/webhooks/${h.id}/deliveries/${failed.items[0].id}`)).body;
      expect(one.attempts[0]).toMatchObject({ number: 1, responseStatus: 400, requestMethod: 'POST', requestUrl: rx.url('/log'), error: null });
      expect(one.attempts[0].responseBody).toHaveLength(16 * 1024);
      const stranger = await api.newOrg(unique('stranger'));
      expect((await as(stranger).get(`/api/v1/organization/webhooks/${h.id}/deliveries`)).status).toBe(404);
      expect((await as(stranger).get(`/api/v1/organization/webhooks/${h.id}/deliveries/${one.id}`)).status).toBe(404);
      expect((await as(admin).get(`/api/v1/organization/webhooks/${h.id}/deliveries/abc`)).status).toBe(400);
      expect((await as(admin).get(`/api/v1/organization/webhooks/${h.id}/deliveries?status=LOST`)).status).toBe(400);
    });

    it('refuses a target at connect time when the worker does not allow it; without SMTP_URL the email is logged as skipped', async () => {
      await worker!.close();
      worker = await WorkerHarness.start({ HOOKLINE_RETRY_SCHEDULE: '200', HOOKLINE_ALLOWED_TARGET_CIDRS: '' });
      try {
        const org = await api.newOrg(unique('strict'));
        const u = (await as(org).post('/api/v1/organization/users', { email: 'strict@example.com', name: 'S' })).body.id;
        // The API (loopback opened) accepts the definition; the worker's policy refuses the connection.
        const h = await createHook({ url: rx.url('/refused'), triggerType: 'DEVICE_ADDED', failureLimit: 1, failureNotifyUserIds: [u] }, org);
        await publish(1, org);
        const [d] = await settled(h.id, 1, org);
        expect(d.status).toBe('FAILED');
        expect(d.attempts).toHaveLength(1); // a refused target is not retried
        expect(d.attempts[0].error).toMatch(/^refused error: .*127\.0\.0\.1.*not allowed/);
        expect(rx.requests.filter((r) => r.url === '/refused')).toHaveLength(0);
        const notes = await eventually(async () => {
          const items = (await as(org).get('/api/v1/organization/notifications')).body.items;
          return items[0]?.emailStatus === 'SKIPPED' ? items : null;
        });
        expect(notes).toHaveLength(1);
        expect(ApiHarness.allLogText()).toContain('email skipped: SMTP_URL is not set');
      } finally {
        await worker!.close();
        worker = await WorkerHarness.start(workerEnv());
      }
    });

    it('prunes the delivery log past the retention period, keeping pending work', async () => {
      const h = await createHook({ url: rx.url('/old'), triggerType: 'DEVICE_ERROR_SUBSCRIPTION_REQUIRED' });
      await as(admin).post('/api/v1/organization/events', { event_type: 'device.error.subscription_required', device_id: DEVICE });
      const [d] = await settled(h.id, 1);
      const row = await api.prisma.delivery.findUniqueOrThrow({ where: { id: BigInt(d.id) } });
      const old = new Date(Date.now() - 40 * 86400_000);
      await api.prisma.event.update({ where: { id: row.eventRowId }, data: { createdAt: old } });
      // Just as old, but its delivery is still pending (a retry due in the future): it stays, with its event.
      const pendingEvent = await api.prisma.event.create({
        data: { organizationId: admin.organizationId, eventId: crypto.randomUUID(), eventType: 'device.error.subscription_required', payload: { event_type: 'device.error.subscription_required' }, occurredAt: old, matchedWebhooks: 1, createdAt: old },
      });
      const pending = await api.prisma.delivery.create({
        data: { organizationId: admin.organizationId, webhookId: h.id, eventRowId: pendingEvent.id, eventType: 'device.error.subscription_required', nextAttemptAt: new Date(Date.now() + 3600_000), createdAt: old },
      });
      try {
        const pruned = await worker!.get(RetentionService).prune();
        expect(pruned.events).toBeGreaterThanOrEqual(1);
        expect(await api.prisma.delivery.count({ where: { id: row.id } })).toBe(0);
        expect(await api.prisma.attempt.count({ where: { deliveryId: row.id } })).toBe(0);
        expect(await api.prisma.event.count({ where: { id: pendingEvent.id } })).toBe(1);
        expect(await api.prisma.delivery.findUniqueOrThrow({ where: { id: pending.id } })).toMatchObject({ status: 'PENDING' });
      } finally {
        await api.prisma.delivery.update({ where: { id: pending.id }, data: { status: 'CANCELLED', completedAt: new Date() } });
      }
    });

    it('serves Prometheus metrics on the API', async () => {
      const published = await api.http().post('/api/v1/organization/events?orgId=' + admin.organizationId).auth(admin.token, { type: 'bearer' }).send({ event_type: 'device.added', device_id: DEVICE });
      expect(published.status).toBe(202);
      const rejected = await api.http().post('/api/v1/organization/events').auth(admin.token, { type: 'bearer' }).send({ event_type: 'no.such.type' });
      expect(rejected.status).toBe(400);
      const res = await api.http().get('/metrics');
      expect(res.status).toBe(200);
      // The API's own part of a publish, by status class; the query string is not part of the route.
      expect(Number(/^hookline_publish_duration_seconds_count\{status="2xx"\} (\d+)/m.exec(res.text)?.[1])).toBeGreaterThanOrEqual(1);
      expect(Number(/^hookline_publish_duration_seconds_count\{status="4xx"\} (\d+)/m.exec(res.text)?.[1])).toBeGreaterThanOrEqual(1);
      expect(res.text).toMatch(/^hookline_publish_duration_seconds_bucket\{le="0\.05",status="2xx"\} \d+/m);
      expect(res.text).toContain('hookline_queue_depth');
      expect(res.text).toMatch(/hookline_webhooks_disabled \d+/);
      expect(res.text).toContain('hookline_http_requests_total');
      expect(res.text).toContain('hookline_ingest_waits_total');
      // Node's process metrics under their usual names, once prefixed.
      expect(res.text).toMatch(/^process_cpu_seconds_total \d/m);
      expect(res.text).not.toContain('hookline_process_');
      // Delivery metrics are the worker's: the API cannot move them, so it does not show them.
      for (const name of ['hookline_deliveries_total', 'hookline_attempt_duration_seconds', 'hookline_batch_size', 'hookline_attempts_held_back_total', 'hookline_circuits_opened_total']) {
        expect(res.text).not.toContain(name);
      }
    });

    it('keeps the API metrics off its public port when HOOKLINE_API_METRICS_PORT is set', async () => {
      const port = await freePort();
      const separate = await ApiHarness.start({ HOOKLINE_API_METRICS_PORT: String(port) });
      try {
        const onPublic = await separate.http().get('/metrics');
        expect(onPublic.status).toBe(404);
        expect(onPublic.body).toEqual({ statusCode: 404, error: 'Not Found', message: 'Cannot GET /metrics' });
        const scraped = await eventually(() => fetch(`http://127.0.0.1:${port}/metrics`).then((r) => (r.ok ? r.text() : null)), 15_000, 'the metrics listener');
        expect(scraped).toContain('hookline_http_requests_total');
        expect((await fetch(`http://127.0.0.1:${port}/api/v1/organization`)).status).toBe(404);
      } finally {
        await separate.close();
      }
    });

    it('SIGTERM lets a worker finish its in-flight attempt before exiting', async () => {
      await worker!.close();
      worker = null;
      const h = await createHook({ url: rx.url('/slow-shutdown'), triggerType: 'DEVICE_DOORBELL_RANG' });
      rx.respond(() => ({ status: 200, delayMs: 1500 }));
      const proc = new AppProcess('dist/apps/worker/main.js', [], workerProcessEnv());
      try {
        await proc.waitFor(/worker ready/);
        await as(admin).post('/api/v1/organization/events', { event_type: 'device.doorbell_rang', device_id: DEVICE });
        await rx.waitFor(1);
        proc.child.kill('SIGTERM');
        expect(await proc.exited).toBe(0);
        const [d] = await deliveries(h.id);
        expect(d.status).toBe('SUCCEEDED');
        expect(d.attempts).toEqual([expect.objectContaining({ number: 1, responseStatus: 200 })]);
      } finally {
        if (proc.child.exitCode === null) proc.child.kill('SIGKILL');
        worker = await WorkerHarness.start(workerEnv());
      }
    });
  });

  it('never logs secrets, tokens or signing secrets', () => {
    const logs = ApiHarness.allLogText();
    expect(logs).toContain('"msg":"delivery job"');
    expect(logs).not.toMatch(/whsec_|hls_|hook-secret|p@ss/);
    expect(logs).not.toContain(admin.token);
  });
});
