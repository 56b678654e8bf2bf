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

  it('lets a webhook that answers fast go past its cap, up to the answering cap; one that has not answered, or only slowly, stays at the cap', async () => {
    const sut = new WebhookPermits(2, 50, 4);
    // Not answered yet (a new endpoint, or one that hangs): held to the cap.
    expect(await sut.acquire(1)).toBe(true);
    expect(await sut.acquire(1)).toBe(true);
    expect(await sut.acquire(1)).toBe(false);
    // A request of it ended fast: up to 4 now, not 5.
    sut.release(1, 5);
    expect(await sut.acquire(1)).toBe(true);
    expect(await sut.acquire(1)).toBe(true);
    expect(await sut.acquire(1)).toBe(true);
    expect(sut.inFlight(1)).toBe(4);
    expect(await sut.acquire(1)).toBe(false);
    // Slow answers (as long as the patience or longer) do not count: webhook 2 stays at its cap.
    await sut.acquire(2);
    await sut.acquire(2);
    sut.release(2, 50);
    await sut.acquire(2);
    expect(await sut.acquire(2)).toBe(false);
    expect(sut.inFlight(2)).toBe(2);
  });

  it('never takes a fast webhook past its own maxConcurrency', async () => {
    const sut = new WebhookPermits(3, 50, 10);
    await sut.acquire(1, 2);
    await sut.acquire(1, 2);
    sut.release(1, 1);
    await sut.acquire(1, 2);
    expect(await sut.acquire(1, 2)).toBe(false);
    expect(sut.inFlight(1)).toBe(2);
  });

  it('forgets a fast answer after its patience: the webhook is held to the cap again', async () => {
    const sut = new WebhookPermits(1, 30, 4);
    await sut.acquire(1);
    sut.release(1, 1);
    await sut.acquire(1);
    // Within the patience of that answer it may go past the cap…
    expect(await sut.acquire(1)).toBe(true);
    // …but once the patience has passed with no fast answer, no longer.
    await new Promise((r) => setTimeout(r, 40));
    expect(await sut.acquire(1)).toBe(false);
    expect(sut.inFlight(1)).toBe(2);
  });

  it('lets a fast webhook’s waiters go past the cap as its answers come in, up to the answering cap', async () => {
    const sut = new WebhookPermits(1, 1000, 3);
    await sut.acquire(1);
    const granted: number[] = [];
    const waiters = [1, 2, 3, 4].map((i) => sut.acquire(1).then((ok) => ok && granted.push(i)));
    // One fast answer: its permit goes to the first waiter, and the next two may go past the cap; the fourth waits.
    sut.release(1, 5);
    await Promise.all(waiters.slice(0, 3));
    expect(granted).toEqual([1, 2, 3]);
    expect(sut.inFlight(1)).toBe(3);
    sut.release(1, 5);
    await waiters[3];
    expect(granted).toEqual([1, 2, 3, 4]);
    expect(sut.inFlight(1)).toBe(3);
  });
});
