-- Upkeep (sweeper, retention) is timed by PostgreSQL, not by BullMQ schedulers that live only in Redis:
-- every worker ticks, and one conditional UPDATE of a task's row lets exactly one of them run each
-- interval. A Redis that loses its data loses no upkeep.
CREATE TABLE "upkeep" (
    "task" VARCHAR(40) NOT NULL,
    "last_started_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "upkeep_pkey" PRIMARY KEY ("task")
);

-- The batch job that carries a delivery's first attempt, named by its first delivery's id, so the
-- sweeper can tell a queued first attempt from a lost one. Not indexed: read only for overdue rows.
ALTER TABLE "delivery" ADD COLUMN "batch_id" BIGINT;
