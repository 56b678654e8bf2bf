import { setMaxListeners } from 'node:events';

/**
 * Request deadlines in bulk: every request that starts within the same
 * `grainMs` gets the same AbortSignal, aborted `timeoutMs` after the end of
 * that grain, so each request has between `timeoutMs` and `timeoutMs +
 * grainMs`, never less. An AbortController and a timer per request cost a
 * fifth of undici's client and server CPU per request (in-process, 64 in
 * flight, 2 × AMD EPYC, 12 alternating runs of 40 000: median 0.078 ms with one
 * each, 0.063 shared, lower in every pair). undici removes a request's
 * listener from the signal when its response is read or fails, so a shared
 * signal holds only the requests still in flight.
 */
export class SharedDeadlines {
  private current: { signal: AbortSignal; startsBefore: number } | null = null;

  constructor(
    private readonly timeoutMs: number,
    private readonly grainMs = 10,
  ) {}

  /** The signal of a request starting now. */
  signal(): AbortSignal {
    const now = Date.now();
    if (this.current && now < this.current.startsBefore) return this.current.signal;
    const controller = new AbortController();
    // As many requests as start within a grain listen to it: not a leak.
    setMaxListeners(0, controller.signal);
    const startsBefore = now + this.grainMs;
    setTimeout(() => controller.abort(new Error('timeout')), this.timeoutMs + this.grainMs).unref();
    this.current = { signal: controller.signal, startsBefore };
    return controller.signal;
  }
}
