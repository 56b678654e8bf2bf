-- Requests a webhook may have in flight per worker (issue #11); null: the worker's HOOKLINE_WEBHOOK_MAX_CONCURRENCY.
ALTER TABLE "webhook" ADD COLUMN "max_concurrency" INTEGER;
