-- Version 2 (PostgreSQL): nothing to change. The SQLite twin adds running totals kept by
-- triggers (customer_exposure, order_status_counts) so that one writer reads one row
-- instead of scanning orders. Here several servers write at once, and one total row per
-- customer or per status would be a lock every order of that customer or status waits
-- for; PostgreSQL computes the exposure from orders_customer_id_status and counts by
-- status from orders_status_created_at instead. The file keeps the versions of both
-- dialects in step.
SELECT 1;
