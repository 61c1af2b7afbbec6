-- Version 3 (SQLite): the order search (OrderFilter::q: number, customer code, customer
-- name or external reference contains the term) without reading every order. Derived
-- from the orders and kept by triggers in the same transaction as the change, like the
-- totals of version 2:
--
--   order_customers      the distinct (customer_id, customer_code, customer_name) the
--                        orders carry, with how many orders carry each: a term is
--                        matched against these few rows instead of every order
--   orders_search        a trigram index of the lower-cased order numbers and external
--                        references: a term of three or more characters finds its orders
--                        without reading the others (case-sensitive trigrams over
--                        lower() text: exactly LIKE's matches, as lower() and LIKE both
--                        fold ASCII letters only)
--   orders_search_vocab  how many orders hold each trigram (read now and then to choose
--                        which part of a term to look up: storage/sqlite/trigram_stats.h)
--   orders_nonascii_keys the few orders whose number or reference holds anything but
--                        printable ASCII: where a short non-ASCII term (华星) can match
--
-- The insert and delete triggers of version 2 are replaced by ones that also keep these
-- (one trigger per insert is cheaper than several).
-- SQLite only (003_order_search.postgres.sql says why).

CREATE TABLE order_customers (
  customer_id INTEGER NOT NULL,
  code        TEXT    NOT NULL,
  name        TEXT    NOT NULL,
  n           INTEGER NOT NULL,
  PRIMARY KEY (customer_id, code, name)
) WITHOUT ROWID;

CREATE VIRTUAL TABLE orders_search USING fts5(
  number, external_ref, content = '', detail = full, tokenize = 'trigram case_sensitive 1'
);

CREATE VIRTUAL TABLE orders_search_vocab USING fts5vocab(orders_search, row);

CREATE INDEX orders_nonascii_keys ON orders (id)
WHERE number GLOB '*[^ -~]*' OR external_ref GLOB '*[^ -~]*';

DROP TRIGGER orders_totals_insert;
DROP TRIGGER orders_totals_delete;

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
  ON CONFLICT (customer_id) DO UPDATE SET amount = amount + excluded.amount;
  INSERT INTO order_status_counts (status, n) VALUES (NEW.status, 1)
  ON CONFLICT (status) DO UPDATE SET n = n + 1;
  INSERT INTO order_customers (customer_id, code, name, n)
  VALUES (NEW.customer_id, NEW.customer_code, NEW.customer_name, 1)
  ON CONFLICT (customer_id, code, name) DO UPDATE SET n = n + 1;
  INSERT INTO orders_search (rowid, number, external_ref)
  VALUES (NEW.id, lower(NEW.number), lower(NEW.external_ref));
END;

CREATE TRIGGER orders_customers_update
AFTER UPDATE OF customer_id, customer_code, customer_name ON orders
WHEN OLD.customer_id IS NOT NEW.customer_id OR OLD.customer_code IS NOT NEW.customer_code
  OR OLD.customer_name IS NOT NEW.customer_name
BEGIN
  UPDATE order_customers SET n = n - 1
  WHERE customer_id = OLD.customer_id AND code = OLD.customer_code AND name = OLD.customer_name;
  DELETE FROM order_customers
  WHERE customer_id = OLD.customer_id AND code = OLD.customer_code AND name = OLD.customer_name
    AND n <= 0;
  INSERT INTO order_customers (customer_id, code, name, n)
  VALUES (NEW.customer_id, NEW.customer_code, NEW.customer_name, 1)
  ON CONFLICT (customer_id, code, name) DO UPDATE SET n = n + 1;
END;

CREATE TRIGGER orders_search_update AFTER UPDATE OF number, external_ref ON orders
WHEN OLD.number IS NOT NEW.number OR OLD.external_ref IS NOT NEW.external_ref
BEGIN
  INSERT INTO orders_search (orders_search, rowid, number, external_ref)
  VALUES ('delete', OLD.id, lower(OLD.number), lower(OLD.external_ref));
  INSERT INTO orders_search (rowid, number, external_ref)
  VALUES (NEW.id, lower(NEW.number), lower(NEW.external_ref));
END;

CREATE TRIGGER orders_derived_delete AFTER DELETE ON orders
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
  UPDATE order_customers SET n = n - 1
  WHERE customer_id = OLD.customer_id AND code = OLD.customer_code AND name = OLD.customer_name;
  DELETE FROM order_customers
  WHERE customer_id = OLD.customer_id AND code = OLD.customer_code AND name = OLD.customer_name
    AND n <= 0;
  INSERT INTO orders_search (orders_search, rowid, number, external_ref)
  VALUES ('delete', OLD.id, lower(OLD.number), lower(OLD.external_ref));
END;

-- The orders already there.
INSERT INTO order_customers (customer_id, code, name, n)
SELECT customer_id, customer_code, customer_name, COUNT(*) FROM orders
GROUP BY customer_id, customer_code, customer_name;
INSERT INTO orders_search (rowid, number, external_ref)
SELECT id, lower(number), lower(external_ref) FROM orders;
