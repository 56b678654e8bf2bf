-- Only PENDING deliveries are looked up by (status, next_attempt_at) (the sweeper). As a partial index it
-- holds just those: a delivery that ends gets no entry for its final version, and the index stays as small
-- as the backlog instead of growing with every delivery ever made.
DROP INDEX "delivery_status_next_attempt_at_idx";
CREATE INDEX "delivery_status_next_attempt_at_idx" ON "delivery" ("status", "next_attempt_at") WHERE "status" = 'PENDING';
