-- Version 2 (SQLite): the order-intake hot path. Running totals over the orders, kept by
-- triggers in the same transaction as the change, so that hot paths read one row
-- instead of scanning orders:
--   customer_exposure    Σ per customer of what each order still owes (the credit
--                        exposure, read at every submit: Tx::CreditExposure)
--   order_status_counts  the number of orders per status (the total of an order list
--                        filtered by status only, or not at all)
-- What an order owes is the rule of domain::CreditExposure: gross − paid while it is in
-- pending_review, approved, confirmed, in_progress or on_hold; invoiced − paid once
-- completed or closed; nothing otherwise; never below zero. The triggers add what the
-- new row owes and take off what the old row owed, so the totals are exact whatever
-- writes the orders (the service, a migration, a repair by hand).
-- Status tests are spelled out with OR: an IN list in an expression makes SQLite build
-- a temporary b-tree at every run of the trigger.
-- SQLite only: PostgreSQL computes these with queries (several servers would contend on
-- one total row per customer).

CREATE TABLE customer_exposure (
  customer_id INTEGER PRIMARY KEY,
  amount      INTEGER NOT NULL
);

CREATE TABLE order_status_counts (
  status TEXT    PRIMARY KEY,
  n      INTEGER NOT NULL
) WITHOUT ROWID;

CREATE TRIGGER orders_totals_insert AFTER INSERT ON orders
BEGIN
  INSERT INTO customer_exposure (customer_id, amount)
  VALUES (NEW.customer_id,
          max(CASE WHEN (NEW.status = 'pending_review' OR NEW.status = 'approved'
                         OR NEW.status = 'confirmed' OR NEW.status = 'in_progress'
                         OR NEW.status = 'on_hold') THEN NEW.gross - NEW.paid_amount
                   WHEN (NEW.status = 'completed' OR NEW.status = 'closed')
                   THEN NEW.invoiced_amount - NEW.paid_amount
                   ELSE 0 END, 0))
  ON CONFLICT (customer_id) DO UPDATE SET amount = amount + excluded.amount;
  INSERT INTO order_status_counts (status, n) VALUES (NEW.status, 1)
  ON CONFLICT (status) DO UPDATE SET n = n + 1;
END;

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
  ON CONFLICT (customer_id) DO UPDATE SET amount = amount + excluded.amount;
  UPDATE order_status_counts SET n = n - 1 WHERE status = OLD.status;
  INSERT INTO order_status_counts (status, n) VALUES (NEW.status, 1)
  ON CONFLICT (status) DO UPDATE SET n = n + 1;
END;

CREATE TRIGGER orders_totals_delete AFTER DELETE ON orders
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
  UPDATE order_status_counts SET n = n - 1 WHERE status = OLD.status;
END;

-- The orders already there.
INSERT INTO customer_exposure (customer_id, amount)
SELECT customer_id,
       SUM(max(CASE WHEN (status = 'pending_review' OR status = 'approved'
                         OR status = 'confirmed' OR status = 'in_progress'
                         OR status = 'on_hold') THEN gross - paid_amount
                    WHEN (status = 'completed' OR status = 'closed') THEN invoiced_amount - paid_amount
                    ELSE 0 END, 0))
FROM orders GROUP BY customer_id;
INSERT INTO order_status_counts (status, n) SELECT status, COUNT(*) FROM orders GROUP BY status;

-- No query looks order lines up by product (reports will add the index they need), and
-- this one cost every commit a page per product ordered: with 200 products a batch of
-- orders wrote some 150 pages of it to the WAL, a third of all it wrote.
DROP INDEX order_lines_product_id;
