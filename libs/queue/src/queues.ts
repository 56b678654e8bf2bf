import type { JobsOptions, WorkerOptions } from 'bullmq';

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
/** A fresh job for an attempt whose worker died holding it (its lease lapsed): one per lapsed lease, so sweeps add it once. */
export const recoveryJobId = (deliveryId: string | bigint, attempt: number, lapsedLease: Date) => `d-${deliveryId}-${attempt}-${lapsedLease.getTime()}`;
/** The batch job of first attempts whose deliveries carry this `batch_id` (their first delivery's id). */
export const deliveryBatchJobId = (batchId: string | bigint) => `b-${batchId}`;
export const emailJobId = (notificationId: string | bigint) => `n-${notificationId}`;

/** The longest wait between two runs of a job that failed on infrastructure (PostgreSQL down). */
export const JOB_BACKOFF_CAP_MS = 30_000;

/**
 * Backoff of a job that failed on infrastructure: 1 s, 2 s, 4 s … capped at
 * JOB_BACKOFF_CAP_MS, minus up to 20 % jitter so jobs failed together do not
 * return together. Capped so work resumes within half a minute of an outage's
 * end, however long the outage lasted.
 */
export function jobBackoff(attemptsMade: number): number {
  const ceiling = Math.min(JOB_BACKOFF_CAP_MS, 1000 * 2 ** Math.max(0, attemptsMade - 1));
  return Math.round(ceiling * (0.8 + 0.2 * Math.random()));
}

/**
 * Defaults for every job. Completed jobs are removed at once (their outcome is
 * in PostgreSQL), so a deterministic id can be enqueued again by the sweeper.
 * `attempts`/`backoff` cover infrastructure errors only (PostgreSQL down):
 * delivery failures are recorded as attempts and rescheduled as new jobs. A
 * job out of attempts stays failed, and the sweeper retries it.
 */
export const DEFAULT_JOB_OPTIONS: JobsOptions = {
  removeOnComplete: true,
  removeOnFail: { age: 7 * 24 * 3600, count: 10_000 },
  attempts: 25,
  backoff: { type: 'capped' },
};

/**
 * Options of every BullMQ worker of ours. The backoff above; and a job lock
 * of 10 s checked every 5 s, so the jobs of a worker that died go back to the
 * queue within about 15 s (BullMQ's defaults, 30 s and 30 s, take up to a
 * minute). Attempts a dead worker had claimed are the sweeper's once their
 * lease lapses.
 */
export const WORKER_OPTIONS: Partial<WorkerOptions> = {
  settings: { backoffStrategy: jobBackoff },
  lockDuration: 10_000,
  stalledInterval: 5_000,
};
