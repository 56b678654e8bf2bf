-- The recorder no longer asserts inside a statement: every batch is one transaction whose steps check
-- their own results (apps/worker/src/delivery/attempt-recorder.ts).
DROP FUNCTION IF EXISTS hookline_assert(boolean, text);
