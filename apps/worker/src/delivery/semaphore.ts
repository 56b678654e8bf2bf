/**
 * A counting semaphore: at most `size` units held at once. Waiters are served in
 * order; one asking for several units gets them all at once (a job's attempts
 * enter together, so their claims share one statement).
 */
export class Semaphore {
  private readonly waiting: { units: number; resolve: () => void }[] = [];
  private held = 0;

  constructor(readonly size: number) {}

  acquire(units = 1): Promise<void> {
    if (!Number.isInteger(units) || units < 1 || units > this.size) throw new RangeError(`cannot acquire ${units} of ${this.size} units`);
    if (!this.waiting.length && this.held + units <= this.size) {
      this.held += units;
      return Promise.resolve();
    }
    return new Promise((resolve) => this.waiting.push({ units, resolve }));
  }

  release(units = 1): void {
    this.held -= units;
    while (this.waiting.length && this.held + this.waiting[0].units <= this.size) {
      const next = this.waiting.shift()!;
      this.held += next.units;
      next.resolve();
    }
  }
}
