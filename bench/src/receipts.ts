import { performance } from 'node:perf_hooks';
import { progress, sleep } from './stats';

/** When each event arrived at the receiver, by event id (a redelivery adds a second time). */
export class Receipts {
  private readonly at = new Map<string, number[]>();
  count = 0;
  add(list: [string, number][]) {
    for (const [key, t] of list) {
      const arr = this.at.get(key);
      if (arr) arr.push(t);
      else this.at.set(key, [t]);
      this.count++;
    }
  }
  first(key: string) {
    return this.at.get(key)?.[0];
  }
  all(key: string) {
    return this.at.get(key) ?? [];
  }
  clear() {
    this.at.clear();
    this.count = 0;
  }
  async waitForCount(n: number, timeoutMs: number, label: string) {
    await this.waitUntil(() => this.count, n, timeoutMs, label);
  }
  /** Waits until each of `ids` has arrived at least once. */
  async waitForAll(ids: string[], timeoutMs: number, label: string) {
    let i = 0;
    await this.waitUntil(() => {
      while (i < ids.length && this.at.has(ids[i])) i++;
      return i;
    }, ids.length, timeoutMs, label);
  }
  private async waitUntil(done: () => number, n: number, timeoutMs: number, label: string) {
    const deadline = Date.now() + timeoutMs;
    let lastReport = 0;
    while (done() < n) {
      if (Date.now() > deadline) throw new Error(`${label}: ${done()} of ${n} receipts within ${timeoutMs} ms`);
      if (Date.now() - lastReport > 2000) {
        progress(`  ${label}: ${done()}/${n} received`);
        lastReport = Date.now();
      }
      await sleep(10);
    }
  }
}

export const now = () => performance.timeOrigin + performance.now();
