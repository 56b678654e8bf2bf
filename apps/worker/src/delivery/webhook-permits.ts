interface Waiters {
  queue: ((granted: boolean) => void)[];
  /** Checks, every patience, that the webhook's requests are still ending. */
  timer: NodeJS.Timeout;
}

/**
 * Requests in flight per webhook in this worker (issue #11): no webhook holds
 * more than its cap of the worker's request permits, so an endpoint that hangs
 * leaves the rest of them to everyone else. An attempt over the cap waits for
 * one of the webhook's requests to end as long as they keep ending (a busy but
 * answering endpoint is not slowed down); when none has ended for `patienceMs`
 * the endpoint is stuck: its waiters are refused, and so is any attempt until
 * one ends, so that callers hand them back to the queue instead of holding a
 * place, a claim and a lease.
 */
export class WebhookPermits {
  private readonly held = new Map<number, number>();
  private readonly waiting = new Map<number, Waiters>();
  /** When each webhook with requests in flight last started or ended one. */
  private readonly progress = new Map<number, number>();

  constructor(
    readonly defaultCap: number,
    private readonly patienceMs: number,
  ) {}

  /**
   * True with a permit of the webhook's; false when the webhook is at its cap
   * and stuck. `ownCap`: the webhook's own maxConcurrency, if it sets one; the
   * worker's cap bounds it.
   */
  acquire(webhookId: number, ownCap: number | null = null): Promise<boolean> {
    const cap = Math.min(ownCap ?? this.defaultCap, this.defaultCap);
    const n = this.held.get(webhookId) ?? 0;
    if (n < cap && !this.waiting.has(webhookId)) {
      this.held.set(webhookId, n + 1);
      this.progress.set(webhookId, Date.now());
      return Promise.resolve(true);
    }
    if (this.stuck(webhookId)) return Promise.resolve(false);
    return new Promise((resolve) => {
      let w = this.waiting.get(webhookId);
      if (!w) this.waiting.set(webhookId, (w = { queue: [], timer: setInterval(() => this.check(webhookId), this.patienceMs) }));
      w.queue.push(resolve);
    });
  }

  /** Gives a permit back: to the webhook's next waiter, if any (the count stays). */
  release(webhookId: number): void {
    this.progress.set(webhookId, Date.now());
    const w = this.waiting.get(webhookId);
    const next = w?.queue.shift();
    if (next) {
      if (!w!.queue.length) this.stopWaiting(webhookId);
      next(true);
      return;
    }
    const n = (this.held.get(webhookId) ?? 1) - 1;
    if (n > 0) this.held.set(webhookId, n);
    else {
      this.held.delete(webhookId);
      this.progress.delete(webhookId);
    }
  }

  /** Permits the webhook holds now. */
  inFlight(webhookId: number): number {
    return this.held.get(webhookId) ?? 0;
  }

  private stuck(webhookId: number): boolean {
    return Date.now() - (this.progress.get(webhookId) ?? Date.now()) >= this.patienceMs;
  }

  private check(webhookId: number): void {
    if (!this.stuck(webhookId)) return;
    const w = this.waiting.get(webhookId)!;
    this.stopWaiting(webhookId);
    for (const refuse of w.queue) refuse(false);
  }

  private stopWaiting(webhookId: number): void {
    clearInterval(this.waiting.get(webhookId)!.timer);
    this.waiting.delete(webhookId);
  }
}
