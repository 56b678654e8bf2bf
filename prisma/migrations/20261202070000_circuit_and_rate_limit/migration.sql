-- Issue #11: a circuit breaker and an optional rate limit per webhook, and why a pending delivery waits.
CREATE TYPE "HeldReason" AS ENUM ('CIRCUIT_OPEN', 'RATE_LIMITED', 'CONCURRENCY_LIMIT');

ALTER TABLE "webhook"
  ADD COLUMN "rate_limit_per_minute" INTEGER,
  ADD COLUMN "rate_next_at" TIMESTAMPTZ(3),
  ADD COLUMN "circuit_failures" INTEGER NOT NULL DEFAULT 0,
  ADD COLUMN "circuit_trips" INTEGER NOT NULL DEFAULT 0,
  ADD COLUMN "circuit_open_until" TIMESTAMPTZ(3),
  ADD COLUMN "circuit_probe_at" TIMESTAMPTZ(3);

ALTER TABLE "delivery" ADD COLUMN "held_reason" "HeldReason";
