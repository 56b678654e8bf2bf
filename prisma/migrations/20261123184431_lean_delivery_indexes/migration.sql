-- DropIndex
DROP INDEX "attempt_delivery_id_number_key";

-- DropIndex
DROP INDEX "delivery_created_at_idx";

-- DropIndex
DROP INDEX "delivery_webhook_id_status_idx";

-- AlterTable
ALTER TABLE "attempt" DROP CONSTRAINT "attempt_pkey",
DROP COLUMN "id",
ADD CONSTRAINT "attempt_pkey" PRIMARY KEY ("delivery_id", "number");


-- Room in each page for HOT updates: the claim changes no indexed column.
ALTER TABLE "delivery" SET (fillfactor = 70);
