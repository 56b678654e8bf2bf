/** What DeliveryService.runJob answers, and the errors and ids its attempts share with the processor. */

/** How one attempt of a job ended here; `deferred`: held back (circuit, rate limit, cap), the attempt goes back to the queue. */
export type RunResult = 'skipped' | 'cancelled' | 'deferred' | 'succeeded' | 'failed' | 'retrying' | 'duplicate';

/** A deferred attempt: when it is to be tried, and its organization (its next place in the fair order). */
export interface HandedBack {
  organizationId: number;
  until: Date;
}

/**
 * A job's attempts, once each is on the wire or done without a request.
 * `failure`: an infrastructure error before a request (the job fails and is
 * retried); `settled`: how each attempt ended, records included, once the last
 * record has committed; `handedBack`: the deferred attempts.
 */
export interface JobRun {
  failure: Error | undefined;
  settled: Promise<PromiseSettledResult<RunResult>[]>;
  handedBack: Map<bigint, HandedBack>;
}

export class ShuttingDownError extends Error {
  constructor() {
    super('worker shutting down; attempt left for another worker');
    this.name = 'ShuttingDownError';
  }
}

/** The Standard Webhooks `webhook-id` of a delivery: the same for every attempt of it. */
export const messageId = (deliveryId: bigint | string) => `msg_${deliveryId}`;
