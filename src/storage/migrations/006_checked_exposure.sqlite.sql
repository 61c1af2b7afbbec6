-- Version 6 (SQLite): the running credit exposure (customer_exposure, migration 002) adds
-- with a check. SQLite's + turns an integer result that does not fit in 64 bits into an
-- approximate REAL without a word; from then on the total would be silently wrong. Now a
-- write that would take a customer's total past the int64 range is refused (the trigger
-- aborts the statement, nothing is stored). The service refuses a submit long before that
-- (domain::kMaxExposure, 10^16 CNY = 10^18 cents); this guards every other writer. Only
-- the additions change: the subtractions take off what the total already holds, and each
-- order's share (gross − paid or invoiced − paid, at least 0) cannot overflow on its own.

DROP TRIGGER orders_derived_insert;
DROP TRIGGER orders_totals_update;

-- As in version 3, but for the checked addition.
CREATE TRIGGER orders_derived_insert AFTER INSERT ON orders
BEGIN
  INSERT INTO customer_exposure (customer_id, amount)
  VALUES (NEW.customer_id,
          max(CASE WHEN (NEW.status = 'pending_review' OR NEW.status = 'approved'
                         OR NEW.status = 'confirmed' OR NEW.status = 'in_progress'
                         OR NEW.status = 'on_hold') THEN NEW.gross - NEW.paid_amount
                   WHEN (NEW.status = 'completed' OR NEW.status = 'closed')
                   THEN NEW.invoiced_amount - NEW.paid_amount
                   ELSE 0 END, 0))
  ON CONFLICT (customer_id) DO UPDATE SET amount =
    CASE WHEN excluded.amount > 9223372036854775807 - amount
         THEN RAISE(ABORT, 'credit exposure too large')
         ELSE amount + excluded.amount END;
  INSERT INTO order_status_counts (status, n) VALUES (NEW.status, 1)
  ON CONFLICT (status) DO UPDATE SET n = n + 1;
  INSERT INTO order_customers (customer_id, code, name, n)
  VALUES (NEW.customer_id, NEW.customer_code, NEW.customer_name, 1)
  ON CONFLICT (customer_id, code, name) DO UPDATE SET n = n + 1;
  INSERT INTO orders_search (rowid, number, external_ref)
  VALUES (NEW.id, lower(NEW.number), lower(NEW.external_ref));
END;

-- As in version 2, but for the checked addition.
CREATE TRIGGER orders_totals_update
AFTER UPDATE OF customer_id, status, gross, invoiced_amount, paid_amount ON orders
WHEN OLD.customer_id IS NOT NEW.customer_id OR OLD.status IS NOT NEW.status
  OR OLD.gross IS NOT NEW.gross OR OLD.invoiced_amount IS NOT NEW.invoiced_amount
  OR OLD.paid_amount IS NOT NEW.paid_amount
BEGIN
  UPDATE customer_exposure
  SET amount = amount -
      max(CASE WHEN (OLD.status = 'pending_review' OR OLD.status = 'approved'
                         OR OLD.status = 'confirmed' OR OLD.status = 'in_progress'
                         OR OLD.status = 'on_hold') THEN OLD.gross - OLD.paid_amount
               WHEN (OLD.status = 'completed' OR OLD.status = 'closed')
               THEN OLD.invoiced_amount - OLD.paid_amount
               ELSE 0 END, 0)
  WHERE customer_id = OLD.customer_id;
  INSERT INTO customer_exposure (customer_id, amount)
  VALUES (NEW.customer_id,
          max(CASE WHEN (NEW.status = 'pending_review' OR NEW.status = 'approved'
                         OR NEW.status = 'confirmed' OR NEW.status = 'in_progress'
                         OR NEW.status = 'on_hold') THEN NEW.gross - NEW.paid_amount
                   WHEN (NEW.status = 'completed' OR NEW.status = 'closed')
                   THEN NEW.invoiced_amount - NEW.paid_amount
                   ELSE 0 END, 0))
  ON CONFLICT (customer_id) DO UPDATE SET amount =
    CASE WHEN excluded.amount > 9223372036854775807 - amount
         THEN RAISE(ABORT, 'credit exposure too large')
         ELSE amount + excluded.amount END;
  UPDATE order_status_counts SET n = n - 1 WHERE status = OLD.status;
  INSERT INTO order_status_counts (status, n) VALUES (NEW.status, 1)
  ON CONFLICT (status) DO UPDATE SET n = n + 1;
END;
