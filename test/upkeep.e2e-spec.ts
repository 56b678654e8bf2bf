import { ConfigService } from '@hookline/config';
import { DeliveriesRepository, NotificationsRepository, UpkeepRepository, UpkeepTask } from '@hookline/db';
import { DeliveryQueue } from '@hookline/queue';
import { SweeperService } from '../apps/worker/src/sweeper/sweeper.service';
import { ApiHarness, OrgAdmin, unique } from './support/api-harness';
import { LocalPostgres, LocalRedis } from './support/stack';

const DEVICE = '6f1c1a52-3b0e-4c7d-9a51-2f7a4f8b9c01';

/**
 * Upkeep without a worker consuming: the API (in-process, on stores of this
 * file's own, so no other test's work is in sight) commits and enqueues, and
 * the sweeper is called directly, as the upkeep timer of any worker would.
 */
describe('Upkeep: the sweeper (SPEC §7)', () => {
  let pgc: LocalPostgres;
  let redis: LocalRedis;
  let api: ApiHarness;
  let admin: OrgAdmin;
  let sweeper: SweeperService;
  let queue: DeliveryQueue;

  beforeAll(async () => {
    pgc = await LocalPostgres.start();
    redis = await LocalRedis.start();
    api = await ApiHarness.start({ DATABASE_URL: pgc.url, REDIS_URL: redis.url });
    admin = await api.newOrg(unique('upkeep'));
    const get = <T>(t: new (...a: never[]) => T) => api.app.get(t);
    queue = get(DeliveryQueue);
    sweeper = new SweeperService(get(DeliveriesRepository), get(NotificationsRepository), queue, get(ConfigService));
    for (const n of [1, 2, 3]) {
      const res = await api.http().post('/api/v1/organization/webhooks').auth(admin.token, { type: 'bearer' }).send({ name: unique(`hook${n}`), triggerType: 'DEVICE_LOW_BATTERY', url: 'http://127.0.0.1:9/unused' });
      expect(res.status).toBe(201);
    }
  });
  afterAll(async () => {
    await api.close();
    redis.stop();
    pgc.destroy();
  });

  /** Publishes `n` events (3 deliveries each), makes every pending delivery overdue, and returns the job counts. */
  async function overdueBacklog(n: number) {
    const events = Array.from({ length: n }, () => ({ event_type: 'device.low_battery', device_id: DEVICE, battery_level: 0.1 }));
    const res = await api.http().post('/api/v1/organization/events').auth(admin.token, { type: 'bearer' }).send({ events });
    expect(res.status).toBe(202);
    await api.prisma.delivery.updateMany({ where: { organizationId: admin.organizationId, status: 'PENDING' }, data: { nextAttemptAt: new Date(Date.now() - 3600_000) } });
  }
  const jobs = () => queue.deliveries.getJobCounts('waiting', 'delayed', 'active', 'failed', 'prioritized');

  it('a backlog of queued first attempts older than the grace gets no extra jobs, and no warning', async () => {
    await overdueBacklog(300);
    expect(await api.prisma.delivery.count({ where: { organizationId: admin.organizationId, status: 'PENDING' } })).toBe(900);
    const before = await jobs();
    expect(before.prioritized).toBe(18); // 900 deliveries in batches of 50, queued in fair order
    const logsBefore = ApiHarness.allLogs.length;
    expect(await sweeper.sweep()).toEqual({ deliveries: 0, emails: 0 });
    expect(await jobs()).toEqual(before);
    expect(ApiHarness.allLogs.slice(logsBefore).join('')).not.toContain('sweeper re-enqueued');
  });

  it('a lost batch job: exactly its deliveries are re-enqueued, once', async () => {
    const [lost] = await queue.deliveries.getPrioritized(0, 0);
    const ids = (lost.data as { deliveryIds: string[] }).deliveryIds;
    await lost.remove();
    const before = await jobs();
    const logsBefore = ApiHarness.allLogs.length;
    expect(await sweeper.sweep()).toEqual({ deliveries: ids.length, emails: 0 });
    expect(ApiHarness.allLogs.slice(logsBefore).join('')).toContain('sweeper re-enqueued');
    const after = await jobs();
    expect(after.prioritized).toBe(before.prioritized + ids.length);
    for (const id of ids) expect(await queue.deliveries.getJob(`d-${id}-1`)).toBeDefined();
    // Now queued again: the next sweep leaves them alone.
    expect(await sweeper.sweep()).toEqual({ deliveries: 0, emails: 0 });
  });

  it('an attempt whose lease lapsed (its worker died) gets a job of its own, once, though its batch job is still there', async () => {
    const [job] = await queue.deliveries.getPrioritized(0, 0);
    const [orphan] = (job.data as { deliveryIds: string[] }).deliveryIds;
    const lapsed = new Date(Date.now() - 5000);
    await api.prisma.delivery.update({ where: { id: BigInt(orphan) }, data: { claimExpiresAt: lapsed } });
    const before = await jobs();
    expect(await sweeper.sweep()).toEqual({ deliveries: 1, emails: 0 });
    expect(await queue.deliveries.getJob(`d-${orphan}-1-${lapsed.getTime()}`)).toBeDefined();
    expect(await sweeper.sweep()).toEqual({ deliveries: 0, emails: 0 });
    expect((await jobs()).prioritized).toBe(before.prioritized + 1);
  });

  it('a backlog larger than one page is walked through in one sweep', async () => {
    await queue.deliveries.obliterate({ force: true });
    const pending = await api.prisma.delivery.count({ where: { organizationId: admin.organizationId, status: 'PENDING' } });
    expect(pending).toBeGreaterThan(500);
    expect(await sweeper.sweep()).toEqual({ deliveries: pending, emails: 0 });
    expect((await jobs()).prioritized).toBe(pending);
  });
});

describe('Upkeep claims (exactly one runner per period)', () => {
  let api: ApiHarness;
  let upkeep: UpkeepRepository;
  beforeAll(async () => {
    api = await ApiHarness.start();
    upkeep = api.app.get(UpkeepRepository);
  });
  afterAll(() => api.close());

  it('twenty concurrent claims of a period: one wins; none before the period passes; one again after', async () => {
    // A task of this test's own, so the suite's workers never claim it.
    const task = unique('task') as UpkeepTask;
    const claimAll = async () => (await Promise.all(Array.from({ length: 20 }, () => upkeep.claimRun(task, 3600_000)))).filter(Boolean).length;
    expect(await claimAll()).toBe(1);
    expect(await claimAll()).toBe(0);
    await api.prisma.upkeep.update({ where: { task }, data: { lastStartedAt: new Date(Date.now() - 2 * 3600_000) } });
    expect(await claimAll()).toBe(1);
  });
});
