/** Webhooks whose last fast answer is remembered before stale ones are dropped. */
const MAX_REMEMBERED = 10_000;

interface Waiters {
  queue: ((granted: boolean) => void)[];
  /** The webhook's own maxConcurrency, as its latest waiter gave it. */
  ownCap: number | null;
  /** Checks, every patience, that the webhook's requests are still ending. */
  timer: NodeJS.Timeout;
}

/**
 * Requests in flight per webhook in this worker (issue #11): no webhook holds
 * more than its cap of the worker's request permits, so an endpoint that hangs
 * leaves the rest of them to everyone else. A webhook that answers fast (within
 * the last `patienceMs` a request of it ended that had taken less than that) may
 * go past the cap, up to `answeringCap`: a fast busy endpoint may use the whole
 * worker, its permits coming back within that time; a slow one, a new one or one
 * that hangs is held to the cap. Its own maxConcurrency, when set, is never
 * exceeded. An attempt over the cap waits for
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
  /** When each webhook last had a fast request end, oldest first. */
  private readonly answered = new Map<number, number>();

  constructor(
    readonly defaultCap: number,
    private readonly patienceMs: number,
    readonly answeringCap = defaultCap,
  ) {}

  /**
   * True with a permit of the webhook's; false when the webhook is at its cap
   * and stuck. `ownCap`: the webhook's own maxConcurrency, if it sets one; the
   * worker's cap bounds it.
   */
  acquire(webhookId: number, ownCap: number | null = null): Promise<boolean> {
    const n = this.held.get(webhookId) ?? 0;
    if (n < this.capOf(webhookId, ownCap) && !this.waiting.has(webhookId)) {
      this.held.set(webhookId, n + 1);
      this.progress.set(webhookId, Date.now());
      return Promise.resolve(true);
    }
    if (this.stuck(webhookId)) return Promise.resolve(false);
    return new Promise((resolve) => {
      let w = this.waiting.get(webhookId);
      if (!w) this.waiting.set(webhookId, (w = { queue: [], ownCap, timer: setInterval(() => this.check(webhookId), this.patienceMs) }));
      w.ownCap = ownCap;
      w.queue.push(resolve);
    });
  }

  /** Gives a permit back: to the webhook's next waiter, if any (the count stays). `tookMs`: how long its request took. */
  release(webhookId: number, tookMs = Infinity): void {
    this.progress.set(webhookId, Date.now());
    if (tookMs < this.patienceMs) this.noteAnswer(webhookId);
    const w = this.waiting.get(webhookId);
    const next = w?.queue.shift();
    if (next) {
      next(true);
      // A fast answer lets more of its waiters go past the cap.
      while (w!.queue.length && this.inFlight(webhookId) < this.capOf(webhookId, w!.ownCap)) {
        this.held.set(webhookId, this.inFlight(webhookId) + 1);
        w!.queue.shift()!(true);
      }
      if (!w!.queue.length) this.stopWaiting(webhookId);
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

  /** Kept past the webhook's last request (its next burst may follow at once); stale entries go once there are many. */
  private noteAnswer(webhookId: number): void {
    this.answered.delete(webhookId);
    this.answered.set(webhookId, Date.now());
    if (this.answered.size <= MAX_REMEMBERED) return;
    // Insertion order is answer order: the oldest first.
    for (const [id, at] of this.answered) {
      if (Date.now() - at < this.patienceMs) break;
      this.answered.delete(id);
    }
  }

  /** The webhook's cap now: its own, bounded by the worker's; else the worker's, or the answering cap while it answers fast. */
  private capOf(webhookId: number, ownCap: number | null): number {
    if (ownCap !== null) return Math.min(ownCap, this.defaultCap);
    return this.answering(webhookId) ? this.answeringCap : this.defaultCap;
  }

  private answering(webhookId: number): boolean {
    return Date.now() - (this.answered.get(webhookId) ?? -Infinity) < this.patienceMs;
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
