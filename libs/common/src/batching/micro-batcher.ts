/**
 * Collects calls made within a few milliseconds and serves them with one call
 * of `flush`, which must return one result per item, in order. The worker's hot
 * path uses it so fifty concurrent attempts cost one claim query and one commit,
 * not fifty. A failed flush rejects every caller of that batch.
 */
export class MicroBatcher<I, O> {
  private items: I[] = [];
  private waiters: { resolve: (o: O) => void; reject: (e: unknown) => void }[] = [];
  private timer: NodeJS.Timeout | null = null;
  private running = 0;

  constructor(
    private readonly flush: (items: I[]) => Promise<O[]>,
    private readonly maxSize = 200,
    private readonly maxWaitMs = 2,
    private readonly maxConcurrentFlushes = 2,
  ) {}

  submit(item: I): Promise<O> {
    return new Promise<O>((resolve, reject) => {
      this.items.push(item);
      this.waiters.push({ resolve, reject });
      if (this.items.length >= this.maxSize) this.drain();
      else if (!this.timer) this.timer = setTimeout(() => this.drain(), this.maxWaitMs);
    });
  }

  private drain() {
    if (this.timer) {
      clearTimeout(this.timer);
      this.timer = null;
    }
    if (!this.items.length) return;
    // Bounded parallelism: past it, items keep collecting into a bigger next batch.
    if (this.running >= this.maxConcurrentFlushes) {
      this.timer = setTimeout(() => this.drain(), this.maxWaitMs);
      return;
    }
    const items = this.items;
    const waiters = this.waiters;
    this.items = [];
    this.waiters = [];
    this.running++;
    this.flush(items).then(
      (results) => {
        this.running--;
        if (results.length !== items.length) {
          const err = new Error(`batch flush returned ${results.length} results for ${items.length} items`);
          waiters.forEach((w) => w.reject(err));
        } else waiters.forEach((w, i) => w.resolve(results[i]));
        if (this.items.length) this.drain();
      },
      (err) => {
        this.running--;
        waiters.forEach((w) => w.reject(err));
        if (this.items.length) this.drain();
      },
    );
  }
}
