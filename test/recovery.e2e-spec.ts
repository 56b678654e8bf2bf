import { randomUUID } from 'node:crypto';
import { Job, Queue } from 'bullmq';
import Redis from 'ioredis';
import { JOB_BACKOFF_CAP_MS, QUEUES, QUEUE_PREFIX } from '@hookline/queue';
import { counters, publisher, receivedById } from './support/outcomes';
import { Receiver, eventually } from './support/receiver';
import { LocalPostgres, LocalRedis, Stack } from './support/stack';

/**
 * Recovering by itself (SPEC §1, §7): a Redis that comes back without its data
 * must cost a delay, never an accepted event, and no process is restarted.
 */
const DEVICE = '6f1c1a52-3b0e-4c7d-9a51-2f7a4f8b9c01';
jest.setTimeout(180_000);

const lowBattery = (id: string = randomUUID()) => ({ event_type: 'device.low_battery', event_id: id, device_id: DEVICE, battery_level: 0.5 });

describe('Recovery (SPEC §7)', () => {
  let rx: Receiver;
  beforeAll(async () => {
    rx = await Receiver.start();
  });
  afterAll(() => rx.close());

  it('Redis killed without persistence and restarted empty: every event answered 202 arrives within sweep interval + grace + 15 s, no process restarted', async () => {
    const redis = await LocalRedis.start({ persist: false });
    const sweepIntervalMs = 1000;
    const sweepGraceMs = 2000;
    const stack = new Stack(process.env.DATABASE_URL!, redis.url, { HOOKLINE_SWEEP_INTERVAL_MS: String(sweepIntervalMs), HOOKLINE_SWEEP_GRACE_MS: String(sweepGraceMs) });
    try {
      const api = await stack.startApi();
      await stack.login('recovery-empty-redis');
      const hook = (await stack.call('POST', '/api/v1/organization/webhooks', { name: 'empty-redis', triggerType: 'DEVICE_LOW_BATTERY', url: rx.url('/empty-redis') })).body;
      const worker = await stack.startWorker();
      const pub = publisher(stack, lowBattery);
      await eventually(() => receivedById(rx).size >= 10, 20_000, 'deliveries before the outage');

      redis.kill9();
      const atKill = pub.accepted.length;
      await eventually(() => pub.accepted.length >= atKill + 20, 30_000, '20 events accepted while Redis is down');
      redis.up();
      const restarted = Date.now();
      // Redis is back and empty; the API keeps accepting.
      const atRestart = pub.answered();
      await eventually(() => pub.answered() >= atRestart + 20, 30_000, '20 answers after the restart');
      await pub.stop();

      for (const status of pub.statuses.keys()) expect([202, 503]).toContain(status);
      const bound = sweepIntervalMs + sweepGraceMs + 15_000;
      await eventually(() => pub.accepted.every((id) => receivedById(rx).has(id)), bound - (Date.now() - restarted), 'every accepted event received').catch((err) => {
        const missing = pub.accepted.filter((id) => !receivedById(rx).has(id)).length;
        throw new Error(`${err.message}: ${missing} of ${pub.accepted.length} missing; worker log tail:\n${worker.text().slice(-2000)}`);
      });
      const c = await eventually(async () => {
        const x = await counters(stack.databaseUrl, hook.id);
        return (x.statuses.SUCCEEDED ?? 0) === pub.accepted.length ? x : null;
      }, 30_000);
      expect(c.totalAttempts).toBe(c.attempts);
      expect(c.mismatched).toBe(0);

      // Nothing was restarted, and the BullMQ consumers took jobs again by themselves: a new event arrives.
      expect(worker.child.exitCode).toBeNull();
      expect(api.child.exitCode).toBeNull();
      const after = randomUUID();
      expect((await stack.call('POST', '/api/v1/organization/events', lowBattery(after))).status).toBe(202);
      await eventually(() => receivedById(rx).has(after), 30_000, 'an event published after the recovery');
    } finally {
      await stack.stop();
      redis.stop();
    }
  });

  it('PostgreSQL down long enough for many backoffs: the jobs wait at most 30 s between tries, and deliveries resume within a minute of its return', async () => {
    const redis = await LocalRedis.start();
    const pgc = await LocalPostgres.start();
    const stack = new Stack(pgc.url, redis.url);
    const connection = new Redis(redis.url, { maxRetriesPerRequest: null });
    const queue = new Queue(QUEUES.delivery, { connection, prefix: QUEUE_PREFIX });
    try {
      await stack.startApi();
      await stack.login('recovery-pg-outage');
      await stack.call('POST', '/api/v1/organization/webhooks', { name: 'pg-outage', triggerType: 'DEVICE_LOW_BATTERY', url: rx.url('/pg-outage') });
      // One request at a time, each slow: most of the batch is still unclaimed when PostgreSQL stops.
      rx.respond(() => ({ status: 200, delayMs: 300 }));
      await stack.startWorker({ HOOKLINE_WORKER_CONCURRENCY: '1' });
      const ids = Array.from({ length: 20 }, () => randomUUID());
      expect((await stack.call('POST', '/api/v1/organization/events', { events: ids.map(lowBattery) })).status).toBe(202);
      await eventually(() => receivedById(rx).size >= 1, 20_000, 'the first delivery');
      pgc.stop();

      // The job fails on PostgreSQL and backs off: 1, 2, 4, 8, 16 s, then the cap (uncapped: 32, 64 s …).
      const job = await eventually(async () => (await queue.getJobs(['delayed', 'active', 'waiting', 'prioritized', 'failed']))[0] as Job | undefined, 20_000, 'the batch job');
      const tried = await eventually(async () => {
        const j = await queue.getJob(job.id!);
        return j && j.attemptsMade >= 7 && (await j.isDelayed()) ? j : null;
      }, 120_000, 'seven tries of the job while PostgreSQL is down');
      const score = await (await queue.client).zscore(`${QUEUE_PREFIX}:${QUEUES.delivery}:delayed`, tried.id!);
      const dueAt = Math.floor(Number(score) / 0x1000);
      expect(dueAt - Date.now()).toBeLessThanOrEqual(JOB_BACKOFF_CAP_MS);

      pgc.start();
      const returned = Date.now();
      await eventually(() => ids.every((id) => receivedById(rx).has(id)), 60_000 - (Date.now() - returned), 'every event delivered within a minute of PostgreSQL returning');
      expect(stack.workers[0].child.exitCode).toBeNull();
    } finally {
      await queue.close();
      connection.disconnect();
      await stack.stop();
      pgc.destroy();
      redis.stop();
    }
  });
});
