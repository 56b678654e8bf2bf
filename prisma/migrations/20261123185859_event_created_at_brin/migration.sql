-- DropIndex
DROP INDEX "event_created_at_idx";

-- CreateIndex
CREATE INDEX "event_created_at_idx" ON "event" USING BRIN ("created_at");

