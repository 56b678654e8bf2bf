import { randomUUID } from 'node:crypto';
import pg from 'pg';
import { Receiver, eventually } from './support/receiver';
import { Stack } from './support/stack';

/**
 * Fair delivery (issue #11): one organization's hanging endpoint or burst
 * must not make another organization's deliveries wait behind it. Shown by
 * order, not by the clock: the quiet organization's events arrive while the
 * noisy one's are still mostly pending, and the noisy one keeps being served.
 * The latencies are printed; their targets are the benchmark's.
 */
const DEVICE = '6f1c1a52-3b0e-4c7d-9a51-2f7a4f8b9c01';
const WEBHOOKS = '/api/v1/organization/webhooks';
const EVENTS = '/api/v1/organization/events';
jest.setTimeout(180_000);
/** How long the receiver holds each request to a /slow path before answering. */
const SLOW_MS = 300;

describe('Fair delivery across organizations (issue #11)', () => {
  let rx: Receiver;
  let db: pg.Client;
  beforeAll(async () => {
    rx = await Receiver.start();
    rx.respond((r) => {
      if (r.url.startsWith('/hang')) return 'hang';
      if (r.url.startsWith('/fail')) return { status: 500 };
      if (r.url.startsWith('/slow')) return { status: 200, delayMs: SLOW_MS };
      return { status: 200 };
    });
    db = new pg.Client({ connectionString: process.env.DATABASE_URL });
    await db.connect();
  });
  afterAll(async () => {
    await db.end();
    await rx.close();
  });

  /**
   * Worker and API as the probe ran them: 10 requests in flight, a 2 s request
   * timeout. The hanging endpoint's circuit opens after 5 timeouts; a 2 s pause
   * (instead of 30 s) lets the test see its probes go on.
   */
  async function stackWithTwoOrgs(noisyPath: string) {
    const stack = new Stack(process.env.DATABASE_URL!, process.env.REDIS_URL!, {
      HOOKLINE_WORKER_CONCURRENCY: '10',
      HOOKLINE_REQUEST_TIMEOUT_MS: '2000',
      HOOKLINE_CLAIM_LEASE_MS: '10000',
      HOOKLINE_RETRY_SCHEDULE: '',
      HOOKLINE_CIRCUIT_PAUSE_MS: '2000',
    });
    await stack.startApi();
    const login = async (name: string, path: string) => {
      await stack.login(`${name}-${randomUUID()}`);
      const hook = await stack.call('POST', WEBHOOKS, { name, triggerType: 'DEVICE_LOW_BATTERY', url: rx.url(path), failureLimit: 1000 });
      expect(hook.status).toBe(201);
      return { token: stack.token, webhookId: hook.body.id as number };
    };
    const noisy = await login('noisy', noisyPath);
    const quiet = await login('quiet', `/quiet-${randomUUID()}`);
    return { stack, noisy, quiet };
  }

  const pending = async (webhookId: number) => (await db.query(`SELECT count(*)::int AS n FROM delivery WHERE webhook_id = $1 AND status = 'PENDING' AND attempt_count = 0`, [webhookId])).rows[0].n as number;
  const attempted = async (webhookId: number) => (await db.query(`SELECT count(*)::int AS n FROM attempt a JOIN delivery d ON d.id = a.delivery_id WHERE d.webhook_id = $1`, [webhookId])).rows[0].n as number;
  const event = (id = randomUUID()) => ({ event_type: 'device.low_battery', event_id: id, device_id: DEVICE, battery_level: 0.2 });

  /** Publishes the quiet organization's events one by one and returns, per event, how long it took to arrive. */
  async function quietEvents(stack: Stack, token: string, n: number): Promise<number[]> {
    stack.token = token;
    const latencies: number[] = [];
    for (let i = 0; i < n; i++) {
      const id = randomUUID();
      const sent = Date.now();
      expect((await stack.call('POST', EVENTS, event(id))).status).toBe(202);
      const got = await eventually(() => rx.requests.find((r) => r.body.includes(id)), 60_000, `quiet event ${i}`);
      latencies.push(got.at - sent);
    }
    return latencies;
  }

  it('a hanging endpoint of one organization with 200 events queued: another organization is delivered while they are still pending, and they keep being attempted', async () => {
    const { stack, noisy, quiet } = await stackWithTwoOrgs(`/hang-${randomUUID()}`);
    try {
      stack.token = noisy.token;
      expect((await stack.call('POST', EVENTS, { events: Array.from({ length: 200 }, () => event()) })).status).toBe(202);
      await stack.startWorker();
      await eventually(async () => (await attempted(noisy.webhookId)) > 0 || (await pending(noisy.webhookId)) < 200, 30_000, 'the hanging endpoint being tried');
      const latencies = await quietEvents(stack, quiet.token, 5);
      console.log(`beside a hanging endpoint: quiet organization delivered in ${latencies.join(', ')} ms`);
      // First in first out, the quiet events would wait behind 200 attempts of 2 s each, 10 at a time (40 s).
      expect(await pending(noisy.webhookId)).toBeGreaterThan(100);
      const before = await attempted(noisy.webhookId);
      await eventually(async () => (await attempted(noisy.webhookId)) > before, 30_000, 'the hanging endpoint still attempted');
    } finally {
      await stack.stop();
    }
  });

  it('an endpoint answering 500 to everything, 1 500 events queued: another organization’s events do not wait behind its backlog', async () => {
    const noisyPath = `/fail-${randomUUID()}`;
    const { stack, noisy, quiet } = await stackWithTwoOrgs(noisyPath);
    try {
      stack.token = noisy.token;
      for (let i = 0; i < 3; i++) expect((await stack.call('POST', EVENTS, { events: Array.from({ length: 500 }, () => event()) })).status).toBe(202);
      await stack.startWorker();
      await eventually(async () => (await attempted(noisy.webhookId)) > 0, 30_000, 'the failing endpoint being tried');
      // By order, not speed: first in first out, an event published with P of the noisy backlog pending arrives after those P.
      const seen: { latency: number; pending: number; noisyBefore: number }[] = [];
      stack.token = quiet.token;
      for (let i = 0; i < 5; i++) {
        const id = randomUUID();
        const [backlog, sentAt, noisySoFar] = [await pending(noisy.webhookId), Date.now(), rx.requests.filter((r) => r.url === noisyPath).length];
        expect((await stack.call('POST', EVENTS, event(id))).status).toBe(202);
        const got = await eventually(() => rx.requests.find((r) => r.body.includes(id)), 60_000, `quiet event ${i}`);
        const noisyBefore = rx.requests.filter((r) => r.url === noisyPath && r.at <= got.at).length - noisySoFar;
        seen.push({ latency: got.at - sentAt, pending: backlog, noisyBefore });
      }
      console.log(`beside an endpoint answering 500: quiet organization's events (latency ms / noisy backlog at publish / noisy requests before it): ${seen.map((x) => `${x.latency}/${x.pending}/${x.noisyBefore}`).join(', ')}`);
      expect(seen[0].pending).toBeGreaterThan(500);
      for (const x of seen.filter((e) => e.pending > 500)) expect(x.noisyBefore).toBeLessThan(x.pending / 2);
      const tried = await attempted(noisy.webhookId);
      if (tried < 1000) await eventually(async () => (await attempted(noisy.webhookId)) > tried, 30_000, 'the failing endpoint still attempted');
    } finally {
      await stack.stop();
    }
  });

  it('a webhook’s own maxConcurrency: its requests go one at a time; null gives it the worker’s cap again', async () => {
    const path = `/slow-${randomUUID()}`;
    const { stack, noisy } = await stackWithTwoOrgs(path);
    try {
      stack.token = noisy.token;
      const set = await stack.call('PUT', `${WEBHOOKS}/${noisy.webhookId}`, { maxConcurrency: 1 });
      expect(set.body).toMatchObject({ maxConcurrency: 1 });
      expect((await stack.call('PUT', `${WEBHOOKS}/${noisy.webhookId}`, { maxConcurrency: 0 })).body.details).toEqual([expect.objectContaining({ field: 'maxConcurrency' })]);
      await stack.startWorker();
      expect((await stack.call('POST', EVENTS, { events: Array.from({ length: 4 }, () => event()) })).status).toBe(202);
      const got = await eventually(() => (rx.requests.filter((r) => r.url === path).length === 4 ? rx.requests.filter((r) => r.url === path) : null), 60_000, 'four requests');
      // The receiver holds each request SLOW_MS: one arriving sooner after another was sent while that one was open.
      const overlapping = got.filter((r, i) => got.slice(0, i).some((p) => r.at - p.at < SLOW_MS));
      expect(overlapping).toEqual([]);
      expect((await stack.call('PUT', `${WEBHOOKS}/${noisy.webhookId}`, { maxConcurrency: null })).body).toMatchObject({ maxConcurrency: null });
    } finally {
      await stack.stop();
    }
  });

  it('a burst sent as parallel batches while another organization publishes: its batches take turns in the API, and every event is accepted', async () => {
    const { stack, noisy, quiet } = await stackWithTwoOrgs(`/burst-${randomUUID()}`);
    try {
      const post = (token: string, body: unknown) =>
        fetch(`${stack.base}${EVENTS}`, { method: 'POST', headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' }, body: JSON.stringify(body) }).then(async (r) => ({ status: r.status, body: await r.json() }));
      const waits = async () => Number(/^hookline_ingest_waits_total (\S+)$/m.exec(await (await fetch(`${stack.base}/metrics`)).text())?.[1] ?? NaN);
      const before = await waits();
      expect(before).toBe(0);
      // The quiet organization keeps publishing while the burst is sent, so the bound applies throughout.
      let bursting = true;
      const quietIds: string[] = [];
      const quietSide = (async () => {
        while (bursting) {
          const id = randomUUID();
          quietIds.push(id);
          expect((await post(quiet.token, event(id))).status).toBe(202);
        }
      })();
      const batches = Array.from({ length: 6 }, () => Array.from({ length: 500 }, () => event()));
      const answers = await Promise.all(batches.map((events) => post(noisy.token, { events })));
      bursting = false;
      await quietSide;
      expect(answers.map((a) => a.status)).toEqual(batches.map(() => 202));
      const stored = async (webhookId: number) => (await db.query(`SELECT count(*)::int AS n FROM event WHERE organization_id = (SELECT organization_id FROM webhook WHERE id = $1)`, [webhookId])).rows[0].n as number;
      expect(await stored(noisy.webhookId)).toBe(3000);
      expect(await stored(quiet.webhookId)).toBe(quietIds.length);
      const waited = await waits();
      console.log(`fair ingestion: ${waited} of 6 parallel batch requests waited their turn beside ${quietIds.length} quiet events`);
      expect(waited).toBeGreaterThanOrEqual(1);
    } finally {
      await stack.stop();
    }
  });

  it('a burst of 10 000 events of one organization: another organization’s next events do not wait behind it', async () => {
    const burstPath = `/burst-${randomUUID()}`;
    const { stack, noisy, quiet } = await stackWithTwoOrgs(burstPath);
    try {
      stack.token = noisy.token;
      for (let i = 0; i < 20; i++) expect((await stack.call('POST', EVENTS, { events: Array.from({ length: 500 }, () => event()) })).status).toBe(202);
      await stack.startWorker();
      await eventually(() => rx.requests.some((r) => r.url === burstPath), 30_000, 'the burst being delivered');
      const latencies = await quietEvents(stack, quiet.token, 5);
      const burstDone = rx.requests.filter((r) => r.url === burstPath).length;
      console.log(`beside a 10 000-event burst: quiet organization delivered in ${latencies.join(', ')} ms, with ${burstDone} of the burst delivered`);
      expect(burstDone).toBeLessThan(9000);
      // No starvation: the burst goes on.
      await eventually(() => rx.requests.filter((r) => r.url === burstPath).length > burstDone, 30_000, 'the burst still delivered');
    } finally {
      await stack.stop();
    }
  });
});
