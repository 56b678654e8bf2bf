import { WebhookPermits } from './webhook-permits';

describe(WebhookPermits.name, () => {
  it('lets each webhook hold up to its cap; others are not affected', async () => {
    const sut = new WebhookPermits(2, 50);
    expect(await sut.acquire(1)).toBe(true);
    expect(await sut.acquire(1)).toBe(true);
    expect(await sut.acquire(2)).toBe(true);
    expect(sut.inFlight(1)).toBe(2);
    expect(await sut.acquire(1)).toBe(false);
  });

  it('takes a webhook’s own cap when it is lower than the worker’s, never a higher one', async () => {
    const sut = new WebhookPermits(2, 50);
    expect(await sut.acquire(1, 1)).toBe(true);
    expect(await sut.acquire(1, 1)).toBe(false);
    expect(await sut.acquire(2, 10)).toBe(true);
    expect(await sut.acquire(2, 10)).toBe(true);
    expect(await sut.acquire(2, 10)).toBe(false);
  });

  it('passes a released permit to the webhook’s next waiter, in order', async () => {
    const sut = new WebhookPermits(1, 1000);
    await sut.acquire(1);
    const order: string[] = [];
    const a = sut.acquire(1).then((ok) => order.push(`a:${ok}`));
    const b = sut.acquire(1).then((ok) => order.push(`b:${ok}`));
    sut.release(1);
    await a;
    expect(order).toEqual(['a:true']);
    sut.release(1);
    await b;
    expect(order).toEqual(['a:true', 'b:true']);
    expect(sut.inFlight(1)).toBe(1);
  });

  it('waits as long as the webhook’s requests keep ending, gives up when none has for its patience, then refuses at once', async () => {
    const sut = new WebhookPermits(1, 40);
    await sut.acquire(1);
    const waiting = sut.acquire(1);
    // A request ends every 20 ms: the waiter is served, however long the queue.
    await new Promise((r) => setTimeout(r, 20));
    sut.release(1);
    expect(await waiting).toBe(true);
    // Now nothing ends: the next waiter gives up after 40 ms, and the one after that is refused without waiting.
    expect(await sut.acquire(1)).toBe(false);
    const atOnce = await Promise.race([sut.acquire(1), new Promise((r) => setImmediate(() => r('still waiting')))]);
    expect(atOnce).toBe(false);
    sut.release(1);
    expect(sut.inFlight(1)).toBe(0);
    expect(await sut.acquire(1)).toBe(true);
  });
});
