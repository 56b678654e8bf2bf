import { Semaphore } from './semaphore';

const tick = () => new Promise((r) => setImmediate(r));

describe(Semaphore.name, () => {
  it('lets `size` units through and queues the rest in order', async () => {
    const s = new Semaphore(2);
    const order: string[] = [];
    await s.acquire();
    await s.acquire();
    void s.acquire().then(() => order.push('a'));
    void s.acquire().then(() => order.push('b'));
    await tick();
    expect(order).toEqual([]);
    s.release();
    await tick();
    expect(order).toEqual(['a']);
    s.release();
    await tick();
    expect(order).toEqual(['a', 'b']);
  });

  it('grants several units at once only when all are free, without being overtaken', async () => {
    const s = new Semaphore(4);
    await s.acquire(3);
    const order: string[] = [];
    void s.acquire(2).then(() => order.push('two'));
    void s.acquire(1).then(() => order.push('one')); // would fit now, but waits its turn
    await tick();
    expect(order).toEqual([]);
    s.release(1);
    await tick();
    expect(order).toEqual(['two']);
    s.release(2);
    await tick();
    expect(order).toEqual(['two', 'one']);
  });

  it('serves a lower rank first, even past a larger waiter of a higher rank; the same rank in order', async () => {
    const s = new Semaphore(4);
    await s.acquire(4);
    const order: string[] = [];
    void s.acquire(3, 500).then(() => order.push('burst-a'));
    void s.acquire(2, 500).then(() => order.push('burst-b'));
    void s.acquire(1, 10).then(() => order.push('quiet-1'));
    void s.acquire(1, 10).then(() => order.push('quiet-2'));
    await tick();
    expect(s.waitingUnits).toBe(7);
    s.release(2);
    await tick();
    expect(order).toEqual(['quiet-1', 'quiet-2']);
    // 2 free: burst-b would fit, but waits behind burst-a, which needs 3.
    s.release(2);
    await tick();
    expect(order).toEqual(['quiet-1', 'quiet-2']);
    s.release(1);
    await tick();
    expect(order).toEqual(['quiet-1', 'quiet-2', 'burst-a']);
    s.release(2);
    await tick();
    expect(order).toEqual(['quiet-1', 'quiet-2', 'burst-a', 'burst-b']);
    expect(s.waitingUnits).toBe(0);
  });

  it('refuses requests it could never grant', () => {
    const s = new Semaphore(2);
    expect(() => s.acquire(3)).toThrow(RangeError);
    expect(() => s.acquire(0)).toThrow(RangeError);
  });
});
