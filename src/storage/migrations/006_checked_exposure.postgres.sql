-- Version 6 (PostgreSQL): nothing to change. The SQLite twin makes the triggers that keep
-- its running credit exposure refuse a total past the int64 range instead of turning it
-- into an approximate REAL. PostgreSQL keeps no running total: it sums the orders when
-- asked, in NUMERIC (exact, never overflows), and Tx::CreditExposure caps the sum at the
-- largest BIGINT, which the service refuses as past domain::kMaxExposure. The file keeps
-- the versions of both dialects in step.
SELECT 1;
