/**
 * Where the chaos and failure tests break ingestion on purpose, between the
 * commit and the enqueue. Production runs with NO_INGEST_FAULTS; only test
 * code (test/support/api-harness.ts, test/faulty-api) provides others, so no
 * setting of a deployed API can arm one.
 */
export interface IngestFaults {
  /** False: accepted deliveries are not enqueued, and only the sweeper finds them. */
  readonly enqueue: boolean;
  /** Runs after the commit, before the enqueue (the crash test ends the process here). */
  afterCommit(): void;
}

export const INGEST_FAULTS = Symbol('INGEST_FAULTS');

export const NO_INGEST_FAULTS: IngestFaults = { enqueue: true, afterCommit: () => undefined };
