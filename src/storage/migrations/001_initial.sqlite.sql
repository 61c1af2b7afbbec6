-- Ordo schema, version 1 (SQLite). The runner wraps this file in a transaction together
-- with its schema_migrations row. Representation (src/storage/sqlite/sqlite_store.h):
--   money             INTEGER cents                 (Money::units())
--   quantities        INTEGER thousandths           (Qty::units())
--   rates             INTEGER ten-thousandths       (Rate::units())
--   dates             TEXT 'YYYY-MM-DD'
--   instants          INTEGER milliseconds since the Unix epoch (UTC)
--   booleans          INTEGER 0 / 1
--   enums             TEXT snake_case names (the API's spelling)
-- 001_initial.postgres.sql is the PostgreSQL twin of this file; keep them in step.

CREATE TABLE users (
  id            INTEGER PRIMARY KEY,
  username      TEXT    NOT NULL,
  display_name  TEXT    NOT NULL DEFAULT '',
  password_hash TEXT    NOT NULL,
  partner_id    INTEGER,
  active        INTEGER NOT NULL DEFAULT 1 CHECK (active IN (0, 1)),
  locale        TEXT    NOT NULL DEFAULT 'zh-CN',
  created_at    INTEGER NOT NULL,
  updated_at    INTEGER NOT NULL,
  version       INTEGER NOT NULL DEFAULT 1,
  CONSTRAINT users_username_key UNIQUE (username)
);

-- The roles of a user, in the order they were given. The key columns come first: SQLite
-- 3.40's integrity_check misreads a WITHOUT ROWID table whose key is not a prefix of its
-- columns ("NULL value in user_roles.position").
CREATE TABLE user_roles (
  user_id  INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  role     TEXT    NOT NULL,
  position INTEGER NOT NULL,
  PRIMARY KEY (user_id, role)
) WITHOUT ROWID;

CREATE TABLE sessions (
  token_hash TEXT    PRIMARY KEY,
  user_id    INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  created_at INTEGER NOT NULL,
  expires_at INTEGER NOT NULL
) WITHOUT ROWID;
CREATE INDEX sessions_user_id ON sessions (user_id);
CREATE INDEX sessions_expires_at ON sessions (expires_at);

CREATE TABLE customers (
  id                     INTEGER PRIMARY KEY,
  code                   TEXT    NOT NULL,
  name                   TEXT    NOT NULL,
  uscc                   TEXT    NOT NULL DEFAULT '',
  address                TEXT    NOT NULL DEFAULT '',
  contacts               TEXT    NOT NULL DEFAULT '[]',  -- JSON [{"name","phone","email"}]
  bank_name              TEXT    NOT NULL DEFAULT '',
  bank_account           TEXT    NOT NULL DEFAULT '',
  credit_limit           INTEGER,                        -- NULL: no limit
  payment_method         TEXT    NOT NULL,
  payment_net_days       INTEGER NOT NULL DEFAULT 0,
  payment_prepay_percent INTEGER NOT NULL DEFAULT 0,
  default_invoice_type   TEXT    NOT NULL,
  blocked                INTEGER NOT NULL DEFAULT 0 CHECK (blocked IN (0, 1)),
  partner_id             INTEGER,
  region                 TEXT    NOT NULL DEFAULT '',
  created_at             INTEGER NOT NULL,
  updated_at             INTEGER NOT NULL,
  version                INTEGER NOT NULL DEFAULT 1,
  CONSTRAINT customers_code_key UNIQUE (code)
);
CREATE INDEX customers_partner_id ON customers (partner_id);

CREATE TABLE products (
  id             INTEGER PRIMARY KEY,
  sku            TEXT    NOT NULL,
  name           TEXT    NOT NULL,
  spec           TEXT    NOT NULL DEFAULT '',
  unit           TEXT    NOT NULL DEFAULT '',
  list_price     INTEGER NOT NULL DEFAULT 0,
  min_price      INTEGER NOT NULL DEFAULT 0,
  tax_rate       INTEGER NOT NULL DEFAULT 0,
  make_to_order  INTEGER NOT NULL DEFAULT 0 CHECK (make_to_order IN (0, 1)),
  lead_time_days INTEGER NOT NULL DEFAULT 0,
  safety_stock   INTEGER NOT NULL DEFAULT 0,
  active         INTEGER NOT NULL DEFAULT 1 CHECK (active IN (0, 1)),
  created_at     INTEGER NOT NULL,
  updated_at     INTEGER NOT NULL,
  version        INTEGER NOT NULL DEFAULT 1,
  CONSTRAINT products_sku_key UNIQUE (sku)
);

CREATE TABLE warehouses (
  id         INTEGER PRIMARY KEY,
  code       TEXT    NOT NULL,
  name       TEXT    NOT NULL,
  region     TEXT    NOT NULL DEFAULT '',
  address    TEXT    NOT NULL DEFAULT '',
  active     INTEGER NOT NULL DEFAULT 1 CHECK (active IN (0, 1)),
  created_at INTEGER NOT NULL,
  version    INTEGER NOT NULL DEFAULT 1,
  CONSTRAINT warehouses_code_key UNIQUE (code)
);

-- One row per product and warehouse, once stock has been adjusted into it. Changed only
-- by single conditional updates; version counts the changes.
CREATE TABLE stock (
  product_id   INTEGER NOT NULL REFERENCES products (id),
  warehouse_id INTEGER NOT NULL REFERENCES warehouses (id),
  on_hand      INTEGER NOT NULL DEFAULT 0,
  reserved     INTEGER NOT NULL DEFAULT 0,
  version      INTEGER NOT NULL DEFAULT 1,
  PRIMARY KEY (product_id, warehouse_id),
  CONSTRAINT stock_quantities_check CHECK (reserved >= 0 AND on_hand >= reserved)
) WITHOUT ROWID;
CREATE INDEX stock_warehouse_id ON stock (warehouse_id);

CREATE TABLE order_counters (
  business_date TEXT    PRIMARY KEY,
  last_serial   INTEGER NOT NULL
) WITHOUT ROWID;

CREATE TABLE orders (
  id                      INTEGER PRIMARY KEY,
  number                  TEXT    NOT NULL,
  status                  TEXT    NOT NULL,
  status_before_hold      TEXT,
  delivery_status         TEXT    NOT NULL DEFAULT 'not_delivered',
  billing_status          TEXT    NOT NULL DEFAULT 'not_billed',
  payment_status          TEXT    NOT NULL DEFAULT 'unpaid',
  channel                 TEXT    NOT NULL,
  customer_id             INTEGER NOT NULL REFERENCES customers (id),
  customer_code           TEXT    NOT NULL,
  customer_name           TEXT    NOT NULL,
  partner_id              INTEGER,
  price_mode              TEXT    NOT NULL,
  net                     INTEGER NOT NULL DEFAULT 0,
  tax                     INTEGER NOT NULL DEFAULT 0,
  freight                 INTEGER NOT NULL DEFAULT 0,
  discount                INTEGER NOT NULL DEFAULT 0,
  gross                   INTEGER NOT NULL DEFAULT 0,
  -- Written by invoicing and payments; read by the credit exposure.
  invoiced_amount         INTEGER NOT NULL DEFAULT 0,
  paid_amount             INTEGER NOT NULL DEFAULT 0,
  review_round            INTEGER NOT NULL DEFAULT 0,
  needs_confirmation      INTEGER NOT NULL DEFAULT 0 CHECK (needs_confirmation IN (0, 1)),
  requested_delivery_date TEXT,
  promised_date           TEXT,
  ship_to_name            TEXT    NOT NULL DEFAULT '',
  ship_to_phone           TEXT    NOT NULL DEFAULT '',
  ship_to_address         TEXT    NOT NULL DEFAULT '',
  ship_to_postcode        TEXT    NOT NULL DEFAULT '',
  payment_method          TEXT    NOT NULL,
  payment_net_days        INTEGER NOT NULL DEFAULT 0,
  payment_prepay_percent  INTEGER NOT NULL DEFAULT 0,
  invoice_type            TEXT    NOT NULL,
  special_requirements    TEXT    NOT NULL DEFAULT '',
  notes                   TEXT    NOT NULL DEFAULT '',
  external_ref            TEXT    NOT NULL DEFAULT '',
  cancel_reason           TEXT    NOT NULL DEFAULT '',
  hold_reason             TEXT    NOT NULL DEFAULT '',
  confirmed_by            INTEGER,
  confirmed_at            INTEGER,
  created_by              INTEGER NOT NULL,
  created_at              INTEGER NOT NULL,
  updated_at              INTEGER NOT NULL,
  version                 INTEGER NOT NULL DEFAULT 1,
  CONSTRAINT orders_number_key UNIQUE (number)
);
-- A non-unique SQLite index ends with the rowid, so each of these also serves the id
-- tie-break of the list sorts.
CREATE INDEX orders_created_at ON orders (created_at);
CREATE INDEX orders_status_created_at ON orders (status, created_at);
CREATE INDEX orders_customer_id_status ON orders (customer_id, status);
CREATE INDEX orders_partner_id_created_at ON orders (partner_id, created_at);
CREATE INDEX orders_created_by_created_at ON orders (created_by, created_at);

CREATE TABLE order_lines (
  order_id        INTEGER NOT NULL REFERENCES orders (id) ON DELETE CASCADE,
  line_no         INTEGER NOT NULL,
  product_id      INTEGER NOT NULL REFERENCES products (id),
  sku             TEXT    NOT NULL,
  name            TEXT    NOT NULL,
  spec            TEXT    NOT NULL DEFAULT '',
  unit            TEXT    NOT NULL DEFAULT '',
  qty             INTEGER NOT NULL,
  unit_price      INTEGER NOT NULL,
  discount_rate   INTEGER NOT NULL DEFAULT 0,
  tax_rate        INTEGER NOT NULL DEFAULT 0,
  net             INTEGER NOT NULL,
  tax             INTEGER NOT NULL,
  gross           INTEGER NOT NULL,
  warehouse_id    INTEGER REFERENCES warehouses (id),
  make_to_order   INTEGER NOT NULL DEFAULT 0 CHECK (make_to_order IN (0, 1)),
  reserved_qty    INTEGER NOT NULL DEFAULT 0,
  backordered_qty INTEGER NOT NULL DEFAULT 0,
  shipped_qty     INTEGER NOT NULL DEFAULT 0,
  delivered_qty   INTEGER NOT NULL DEFAULT 0,
  invoiced_qty    INTEGER NOT NULL DEFAULT 0,
  returned_qty    INTEGER NOT NULL DEFAULT 0,
  PRIMARY KEY (order_id, line_no)
) WITHOUT ROWID;
CREATE INDEX order_lines_product_id ON order_lines (product_id);

CREATE TABLE order_flags (
  order_id   INTEGER NOT NULL REFERENCES orders (id) ON DELETE CASCADE,
  position   INTEGER NOT NULL,
  code       TEXT    NOT NULL,
  department TEXT    NOT NULL,
  message    TEXT    NOT NULL DEFAULT '',
  line_no    INTEGER,
  PRIMARY KEY (order_id, position)
) WITHOUT ROWID;

CREATE TABLE order_reviews (
  id              INTEGER PRIMARY KEY,
  order_id        INTEGER NOT NULL REFERENCES orders (id) ON DELETE CASCADE,
  round           INTEGER NOT NULL,
  department      TEXT    NOT NULL,
  approved        INTEGER NOT NULL CHECK (approved IN (0, 1)),
  comment         TEXT    NOT NULL DEFAULT '',
  override_price  INTEGER NOT NULL DEFAULT 0 CHECK (override_price IN (0, 1)),
  override_credit INTEGER NOT NULL DEFAULT 0 CHECK (override_credit IN (0, 1)),
  restock_date    TEXT,
  reviewer_id     INTEGER NOT NULL,
  reviewer        TEXT    NOT NULL DEFAULT '',
  created_at      INTEGER NOT NULL
);
CREATE INDEX order_reviews_order_id ON order_reviews (order_id, round, id);

CREATE TABLE stock_movements (
  id           INTEGER PRIMARY KEY,
  product_id   INTEGER NOT NULL REFERENCES products (id),
  warehouse_id INTEGER NOT NULL REFERENCES warehouses (id),
  kind         TEXT    NOT NULL,
  qty_delta    INTEGER NOT NULL,
  reason       TEXT    NOT NULL DEFAULT '',
  order_id     INTEGER REFERENCES orders (id),
  user_id      INTEGER NOT NULL,
  created_at   INTEGER NOT NULL
);
CREATE INDEX stock_movements_product_id ON stock_movements (product_id, warehouse_id);
CREATE INDEX stock_movements_warehouse_id ON stock_movements (warehouse_id);
CREATE INDEX stock_movements_order_id ON stock_movements (order_id);

-- The audit trail: append-only.
CREATE TABLE events (
  id         INTEGER PRIMARY KEY,
  entity     TEXT    NOT NULL,
  entity_id  INTEGER NOT NULL,
  action     TEXT    NOT NULL,
  user_id    INTEGER NOT NULL,
  username   TEXT    NOT NULL DEFAULT '',
  data       TEXT    NOT NULL DEFAULT '{}',
  created_at INTEGER NOT NULL
);
CREATE INDEX events_entity ON events (entity, entity_id, id);
CREATE TRIGGER events_no_update BEFORE UPDATE ON events
BEGIN
  SELECT RAISE(ABORT, 'events are append-only');
END;
CREATE TRIGGER events_no_delete BEFORE DELETE ON events
BEGIN
  SELECT RAISE(ABORT, 'events are append-only');
END;

CREATE TABLE idempotency_keys (
  user_id      INTEGER NOT NULL,
  key          TEXT    NOT NULL,
  request_hash TEXT    NOT NULL,
  status       INTEGER NOT NULL,
  body         TEXT    NOT NULL,
  created_at   INTEGER NOT NULL,
  PRIMARY KEY (user_id, key)
) WITHOUT ROWID;
CREATE INDEX idempotency_keys_created_at ON idempotency_keys (created_at);
