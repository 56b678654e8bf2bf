import { randomUUID } from 'node:crypto';
import pg from 'pg';
import { freePort } from './support/processes';
import { Receiver, eventually } from './support/receiver';
import { Stack } from './support/stack';

const DEVICE = '6f1c1a52-3b0e-4c7d-9a51-2f7a4f8b9c01';
const WEBHOOKS = '/api/v1/organization/webhooks';
const EVENTS = '/api/v1/organization/events';
const PAUSE_MS = 1500;
jest.setTimeout(180_000);

/**
 * The circuit breaker and the rate limit of a webhook (issue #11), end to end:
 * built API and worker, a real receiver that hangs until told to answer. What
 * is checked is what happened (requests received, rows, the API's and
 * /metrics' state), waited for by event, not by the clock.
 */
describe('Circuit breaker and rate limit per webhook (issue #11)', () => {
  let rx: Receiver;
  let db: pg.Client;
  let stack: Stack;
  let metricsPort: number;
  beforeAll(async () => {
    rx = await Receiver.start();
    db = new pg.Client({ connectionString: process.env.DATABASE_URL });
    await db.connect();
    stack = new Stack(process.env.DATABASE_URL!, process.env.REDIS_URL!, {
      HOOKLINE_WORKER_CONCURRENCY: '10',
      HOOKLINE_REQUEST_TIMEOUT_MS: '500',
      HOOKLINE_RETRY_SCHEDULE: '',
      HOOKLINE_CIRCUIT_FAILURE_THRESHOLD: '3',
      HOOKLINE_CIRCUIT_PAUSE_MS: String(PAUSE_MS),
    });
    await stack.startApi();
    metricsPort = await freePort();
    await stack.startWorker({ HOOKLINE_WORKER_METRICS_PORT: String(metricsPort) });
  });
  afterAll(async () => {
    await stack.stop();
    await db.end();
    await rx.close();
  });

  const event = () => ({ event_type: 'device.low_battery', event_id: randomUUID(), device_id: DEVICE, battery_level: 0.2 });
  const to = (path: string) => rx.requests.filter((r) => r.url === path);
  const metric = async (line: string) => {
    const text = await (await fetch(`http://127.0.0.1:${metricsPort}/metrics`)).text();
    return Number(text.split('\n').find((l) => l.startsWith(line + ' '))?.split(' ')[1] ?? NaN);
  };
  const webhook = async (id: number) => (await stack.call('GET', `${WEBHOOKS}/${id}`)).body;
  const trips = async (id: number) => (await db.query('SELECT circuit_trips AS n FROM webhook WHERE id = $1', [id])).rows[0].n as number;

  it('opens after timeouts in a row, holds the rest back unsent and uncounted with the reason in the log, probes once per growing pause, and closes when the endpoint answers', async () => {
    const path = `/down-${randomUUID()}`;
    let up = false;
    rx.respond((r) => (r.url === path && !up ? 'hang' : { status: 200 }));
    await stack.login(`circuit-${randomUUID()}`);
    // One request at a time: every attempt made is one after another, so none is on the wire unseen when the circuit opens.
    const created = await stack.call('POST', WEBHOOKS, { name: 'down', triggerType: 'DEVICE_LOW_BATTERY', url: rx.url(path), failureLimit: 1000, maxConcurrency: 1 });
    expect(created.status).toBe(201);
    expect(created.body.circuit).toEqual({ state: 'CLOSED', openUntil: null, consecutiveUnreachable: 0 });
    const id = created.body.id as number;
    expect((await stack.call('POST', EVENTS, { events: Array.from({ length: 12 }, event) })).status).toBe(202);

    const open = await eventually(async () => ((await webhook(id)).circuit.state === 'OPEN' ? webhook(id) : null), 60_000, 'the circuit open');
    const sentBeforeOpen = to(path).length;
    expect(open.circuit.consecutiveUnreachable).toBeGreaterThanOrEqual(3);
    expect(sentBeforeOpen).toBeLessThan(12);
    // The delivery log says why the rest are late, and until when.
    const held = await eventually(async () => {
      const log = await stack.call('GET', `${WEBHOOKS}/${id}/deliveries?status=PENDING&size=100`);
      return log.body.items.find((d: { heldBack: string | null }) => d.heldBack === 'CIRCUIT_OPEN');
    }, 30_000, 'a delivery held back by the open circuit');
    expect(held.attempts).toEqual([]);
    expect(held.nextAttemptAt).toBeGreaterThanOrEqual(open.circuit.openUntil);
    expect(await metric('hookline_webhook_circuits{state="open"}')).toBeGreaterThanOrEqual(1);

    // After the pause one probe goes; it hangs too, and the circuit opens again for twice as long.
    await eventually(async () => (await trips(id)) === 2, 60_000, 'the circuit opened a second time');
    const probes = to(path).slice(sentBeforeOpen);
    expect(probes).toHaveLength(1);
    const reopened = await webhook(id);
    expect(reopened.circuit.state).toBe('OPEN');
    expect(reopened.circuit.openUntil - probes[0].at).toBeGreaterThanOrEqual(2 * PAUSE_MS);
    expect(await metric('hookline_circuits_opened_total')).toBeGreaterThanOrEqual(2);
    expect(await metric('hookline_attempts_held_back_total{reason="circuit_open"}')).toBeGreaterThanOrEqual(1);

    // The endpoint comes back: the next probe closes the circuit and the held deliveries go out, each once.
    up = true;
    await eventually(async () => ((await webhook(id)).circuit.state === 'CLOSED' ? true : null), 60_000, 'the circuit closed');
    await eventually(async () => (await db.query(`SELECT count(*)::int AS n FROM delivery WHERE webhook_id = $1 AND status = 'PENDING'`, [id])).rows[0].n === 0, 60_000, 'every delivery done');
    const ids = to(path).map((r) => r.headers['webhook-id']);
    expect(new Set(ids).size).toBe(ids.length);
    const { rows } = await db.query(`SELECT d.status, count(a.*)::int AS attempts FROM delivery d LEFT JOIN attempt a ON a.delivery_id = d.id WHERE d.webhook_id = $1 GROUP BY d.id`, [id]);
    // No retries in this stack: every delivery was attempted exactly once, held back or not; the hung ones failed.
    expect(rows.map((r) => r.attempts)).toEqual(Array(12).fill(1));
    const failed = rows.filter((r) => r.status === 'FAILED').length;
    expect(failed).toBe(sentBeforeOpen + 1);
    expect(rows.filter((r) => r.status === 'SUCCEEDED')).toHaveLength(12 - failed);
    const done = await webhook(id);
    // Exact counters: every attempt made, and only those.
    expect(done).toMatchObject({ totalAttempts: 12, consecutiveFailures: 0, status: 'ENABLED', circuit: { state: 'CLOSED', openUntil: null, consecutiveUnreachable: 0 } });
  });

  it('rateLimitPerMinute paces a webhook’s deliveries across the worker, dropping none', async () => {
    const path = `/paced-${randomUUID()}`;
    rx.respond(() => ({ status: 200 }));
    await stack.login(`paced-${randomUUID()}`);
    const created = await stack.call('POST', WEBHOOKS, { name: 'paced', triggerType: 'DEVICE_LOW_BATTERY', url: rx.url(path), rateLimitPerMinute: 120 });
    expect(created.body).toMatchObject({ rateLimitPerMinute: 120 });
    const bad = await stack.call('PUT', `${WEBHOOKS}/${created.body.id}`, { rateLimitPerMinute: 0 });
    expect(bad.body.details).toEqual([expect.objectContaining({ field: 'rateLimitPerMinute' })]);
    const published = Date.now();
    expect((await stack.call('POST', EVENTS, { events: Array.from({ length: 6 }, event) })).status).toBe(202);
    const got = await eventually(() => (to(path).length === 6 ? to(path) : null), 60_000, 'six paced deliveries');
    // 120 a minute is one every 500 ms: the sixth cannot go before five intervals after the first slot.
    expect(got[5].at - published).toBeGreaterThanOrEqual(5 * 500 - 20);
    expect(await metric('hookline_attempts_held_back_total{reason="rate_limited"}')).toBeGreaterThanOrEqual(5);
    const cleared = await stack.call('PUT', `${WEBHOOKS}/${created.body.id}`, { rateLimitPerMinute: null });
    expect(cleared.body).toMatchObject({ rateLimitPerMinute: null });
  });
});
