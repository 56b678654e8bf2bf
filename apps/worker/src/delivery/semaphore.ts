interface Waiter {
  units: number;
  rank: number;
  resolve: () => void;
}

/**
 * A counting semaphore: at most `size` units held at once. Waiters are served
 * by rank, lowest first (a job's place in the fair order, so a quiet
 * organization's attempt is not queued in this process behind a burst's
 * claimed-ahead batches), and in order of arrival within a rank. One asking for
 * several units gets them all at once (a job's attempts enter together, so
 * their claims share one statement) and is not overtaken by a later waiter of
 * the same or a higher rank.
 */
export class Semaphore {
  private readonly waiting: Waiter[] = [];
  private held = 0;
  private asked = 0;

  constructor(readonly size: number) {}

  /** Units asked for and not yet granted. */
  get waitingUnits(): number {
    return this.asked;
  }

  acquire(units = 1, rank = 0): Promise<void> {
    if (!Number.isInteger(units) || units < 1 || units > this.size) throw new RangeError(`cannot acquire ${units} of ${this.size} units`);
    if (!this.waiting.length && this.held + units <= this.size) {
      this.held += units;
      return Promise.resolve();
    }
    return new Promise((resolve) => {
      // After every waiter of the same or a lower rank.
      let at = this.waiting.length;
      while (at > 0 && this.waiting[at - 1].rank > rank) at--;
      this.waiting.splice(at, 0, { units, rank, resolve });
      this.asked += units;
      this.grant();
    });
  }

  release(units = 1): void {
    this.held -= units;
    this.grant();
  }

  private grant(): void {
    while (this.waiting.length && this.held + this.waiting[0].units <= this.size) {
      const next = this.waiting.shift()!;
      this.held += next.units;
      this.asked -= next.units;
      next.resolve();
    }
  }
}
