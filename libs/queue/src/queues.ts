import type { JobsOptions } from 'bullmq';

/** Queue names. Redis carries only these schedules; PostgreSQL holds the state. */
export const QUEUES = {
  delivery: 'delivery',
  email: 'email',
} as const;

export const QUEUE_PREFIX = 'hookline';

/** Job name → payload. Ids only: never secrets, rendered bodies or event data. */
export interface JobPayloads {
  /** Attempt number `attempt` of a delivery (retries, redeliveries, the sweeper). */
  deliver: { deliveryId: string; attempt: number };
  /** First attempts of deliveries created together: one job for many, so Redis work is shared. */
  'deliver-batch': { deliveryIds: string[]; attempt: number };
  'send-email': { notificationId: string };
}

/** Deterministic ids make enqueueing idempotent: adding an existing job is a no-op. No `:` (BullMQ). */
export const deliveryJobId = (deliveryId: string | bigint, attempt: number) => `d-${deliveryId}-${attempt}`;
/** The batch job of first attempts whose deliveries carry this `batch_id` (their first delivery's id). */
export const deliveryBatchJobId = (batchId: string | bigint) => `b-${batchId}`;
export const emailJobId = (notificationId: string | bigint) => `n-${notificationId}`;

/**
 * Defaults for every job. Completed jobs are removed at once (their outcome is
 * in PostgreSQL), so a deterministic id can be enqueued again by the sweeper.
 * `attempts`/`backoff` cover infrastructure errors only (PostgreSQL down):
 * delivery failures are recorded as attempts and rescheduled as new jobs.
 */
export const DEFAULT_JOB_OPTIONS: JobsOptions = {
  removeOnComplete: true,
  removeOnFail: { age: 7 * 24 * 3600, count: 10_000 },
  attempts: 25,
  backoff: { type: 'exponential', delay: 1000 },
};
