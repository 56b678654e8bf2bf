-- Every delivery is updated twice within seconds of its insert; the dead index
-- entries it leaves at the hot end of (status, next_attempt_at) slow down the
-- next inserts until vacuum clears them. Vacuum this table early and fast.
ALTER TABLE "delivery" SET (autovacuum_vacuum_scale_factor = 0.01, autovacuum_vacuum_threshold = 2000, autovacuum_vacuum_cost_limit = 2000, autovacuum_analyze_scale_factor = 0.05);
