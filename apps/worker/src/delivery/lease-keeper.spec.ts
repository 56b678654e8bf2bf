import type { HeldAttempt } from '@hookline/db';
import { LeaseKeeper } from './lease-keeper';

const LEASE_MS = 4000;

/** LeaseKeeper with the renewal statement replaced: it renews what `stillHeld` says is still this worker's. */
function fixture(stillHeld: (h: HeldAttempt) => boolean, gate: Promise<void> = Promise.resolve()) {
  const asked: HeldAttempt[][] = [];
  const renewedTo = new Date('2030-01-01T00:00:00Z');
  const deliveries = {
    renewLeases: async (held: HeldAttempt[]) => {
      asked.push(held);
      await gate;
      return held.filter(stillHeld).map((h) => ({ id: String(h.deliveryId), att: h.attempt, lease: renewedTo }));
    },
  };
  const config = { get: () => LEASE_MS };
  const sut = new LeaseKeeper(deliveries as never, config as never);
  return { sut, asked, renewedTo };
}

describe(LeaseKeeper.name, () => {
  let sut: LeaseKeeper;
  afterEach(() => sut.onModuleDestroy());

  it('renews, in one statement, only the leases with less than half left, and moves their deadline', async () => {
    const f = fixture(() => true);
    sut = f.sut;
    const now = Date.now();
    const due = sut.hold(1n, 1, new Date(now + 1000), now - LEASE_MS + 1000);
    const fresh = sut.hold(2n, 1, new Date(now + LEASE_MS), now);
    await sut.renewDue();
    expect(f.asked).toEqual([[{ deliveryId: 1n, attempt: 1, lease: expect.any(Date) }]]);
    expect(due.expiresAt).toEqual(f.renewedTo);
    expect(due.deadline).toBeGreaterThanOrEqual(now + LEASE_MS);
    expect(fresh.expiresAt.getTime()).toBe(now + LEASE_MS);
  });

  it('leaves a lease another worker took over as it was, so its record is refused', async () => {
    const f = fixture(() => false);
    sut = f.sut;
    const now = Date.now();
    const taken = new Date(now + 500);
    const lease = sut.hold(1n, 1, taken, now - LEASE_MS);
    await sut.renewDue();
    expect(lease.expiresAt).toBe(taken);
    expect(await sut.release(lease)).toBe(taken);
  });

  it('on its timer, every quarter lease; release waits for a renewal under way and stops renewing', async () => {
    jest.useFakeTimers({ doNotFake: ['setImmediate', 'nextTick', 'queueMicrotask'] });
    try {
      let open!: () => void;
      const f = fixture(() => true, new Promise<void>((r) => (open = r)));
      sut = f.sut;
      const now = Date.now();
      const lease = sut.hold(1n, 1, new Date(now), now - LEASE_MS);
      jest.advanceTimersByTime(LEASE_MS / 4);
      await new Promise((r) => setImmediate(r));
      expect(f.asked).toHaveLength(1);
      let released: Date | undefined;
      void sut.release(lease).then((d) => (released = d));
      await new Promise((r) => setImmediate(r));
      expect(released).toBeUndefined();
      open();
      await new Promise((r) => setImmediate(r));
      expect(released).toEqual(f.renewedTo);
      jest.advanceTimersByTime(LEASE_MS);
      await new Promise((r) => setImmediate(r));
      expect(f.asked).toHaveLength(1);
    } finally {
      jest.useRealTimers();
    }
  });
});
