// PgTx: stock rows and stock movements. Every change of a stock row is one conditional
// UPDATE whose WHERE clause carries the rule (never below reserved, never below zero), so
// the CHECK constraint of the table is a second line of defence only. Under READ
// COMMITTED an UPDATE that waits for another transaction's lock on the row re-checks its
// WHERE clause against the row as that transaction left it, which is what makes these
// single statements safe across connections and servers.

#include <string>

#include "storage/postgres/pg_tx.h"
#include "storage/sql_filters.h"

namespace ordo::storage::postgres {

namespace {

constexpr std::string_view kStockSelect =
    "SELECT s.product_id, s.warehouse_id, s.on_hand, s.reserved, p.safety_stock, s.version "
    "FROM stock s JOIN products p ON p.id = s.product_id";

StockRow ReadStockRow(Row& r) {
  StockRow s;
  s.product_id = r.Int(0);
  s.warehouse_id = r.Int(1);
  s.on_hand = r.Dec<3>(2);
  s.reserved = r.Dec<3>(3);
  s.safety_stock = r.Dec<3>(4);
  s.version = r.Int(5);
  return s;
}

}  // namespace

Result<StockRow> PgTx::LoadStockRow(int64_t product_id, int64_t warehouse_id) {
  Params p;
  p.BindAll(product_id, warehouse_id);
  ASSIGN_OR_RETURN(
      pqxx::result r,
      Exec(std::string(kStockSelect) + " WHERE s.product_id = $1 AND s.warehouse_id = $2", p));
  if (r.empty()) return Status::NotFound("stock row not found");
  Row row(r[0]);
  StockRow out = ReadStockRow(row);
  RETURN_IF_ERROR(row.decode_status());
  return out;
}

Result<Page<StockRow>> PgTx::ListStock(const StockFilter& f) {
  Where where;
  AddStockFilter(where, f);
  Page<StockRow> out;
  ASSIGN_OR_RETURN(out.total, CountRows("stock s JOIN products p ON p.id = s.product_id", where));
  ASSIGN_OR_RETURN(out.items,
                   ReadPage<StockRow>(std::string(kStockSelect) + where.Sql() +
                                          " ORDER BY s.product_id, s.warehouse_id LIMIT ? OFFSET ?",
                                      where, f.page, ReadStockRow));
  return out;
}

Result<std::vector<StockRow>> PgTx::StockOfProduct(int64_t product_id) {
  Params p;
  p.Bind(product_id);
  ASSIGN_OR_RETURN(
      pqxx::result r,
      Exec(std::string(kStockSelect) + " WHERE s.product_id = $1 ORDER BY s.warehouse_id", p));
  std::vector<StockRow> out;
  out.reserve(r.size());
  for (const auto& raw : r) {
    Row row(raw);
    out.push_back(ReadStockRow(row));
    RETURN_IF_ERROR(row.decode_status());
  }
  return out;
}

Result<StockRow> PgTx::AdjustOnHand(int64_t product_id, int64_t warehouse_id, Qty delta) {
  RETURN_IF_ERROR(CheckWritable());
  // Twice at most: when the row is missing and a concurrent transaction creates it
  // between our look and our INSERT, the INSERT does nothing and the UPDATE runs again.
  for (int attempt = 0; attempt < 2; ++attempt) {
    {
      Params p;
      p.BindAll(delta, product_id, warehouse_id);
      ASSIGN_OR_RETURN(pqxx::result r,
                       Exec("WITH s AS (UPDATE stock SET on_hand = on_hand + $1, "
                            "version = version + 1 "
                            "WHERE product_id = $2 AND warehouse_id = $3 "
                            "AND on_hand + $1 >= reserved AND on_hand + $1 >= 0 "
                            "RETURNING product_id, warehouse_id, on_hand, reserved, version) "
                            "SELECT s.product_id, s.warehouse_id, s.on_hand, s.reserved, "
                            "p.safety_stock, s.version FROM s JOIN products p "
                            "ON p.id = s.product_id",
                            p));
      if (!r.empty()) {
        Row row(r[0]);
        StockRow out = ReadStockRow(row);
        RETURN_IF_ERROR(row.decode_status());
        return out;
      }
    }
    auto current = LoadStockRow(product_id, warehouse_id);
    if (current.ok()) {
      Status refused = Status::Rule("insufficient_stock",
                                    "on hand may not go below the reserved quantity or zero");
      refused.AddDetail("on_hand", current->on_hand.ToTrimmed());
      refused.AddDetail("reserved", current->reserved.ToTrimmed());
      return refused;
    }
    if (current.status().code() != Code::kNotFound) return current.TakeStatus();
    if (delta.is_negative()) {
      return Status::Rule("insufficient_stock", "on hand may not go below zero");
    }
    {
      Params p;
      p.Bind(product_id);
      ASSIGN_OR_RETURN(pqxx::result r, Exec("SELECT 1 FROM products WHERE id = $1", p));
      if (r.empty()) return Status::NotFound("product not found");
    }
    {
      Params p;
      p.Bind(warehouse_id);
      ASSIGN_OR_RETURN(pqxx::result r, Exec("SELECT 1 FROM warehouses WHERE id = $1", p));
      if (r.empty()) return Status::NotFound("warehouse not found");
    }
    Params p;
    p.BindAll(product_id, warehouse_id, delta);
    ASSIGN_OR_RETURN(pqxx::result ins,
                     Exec("INSERT INTO stock (product_id, warehouse_id, on_hand, reserved, "
                          "version) VALUES ($1, $2, $3, 0, 1) ON CONFLICT DO NOTHING",
                          p));
    if (ins.affected_rows() > 0) return LoadStockRow(product_id, warehouse_id);
  }
  return Status(Code::kUnavailable, "the stock row is busy; try again");
}

Result<Qty> PgTx::Reserve(int64_t product_id, int64_t warehouse_id, Qty want) {
  RETURN_IF_ERROR(CheckWritable());
  if (want <= Qty()) return Qty();
  // One conditional UPDATE decides how much is reserved: min(want, available), only while
  // something is available. RETURNING shows only the new row, so the amount comes from the
  // CTE, which locks the row (waiting for any other transaction holding it) and computes
  // the amount from the row as it is once the lock is ours; the UPDATE then adds exactly
  // that. No other transaction can change the row in between: we hold its lock.
  Params p;
  p.BindAll(product_id, warehouse_id, want);
  ASSIGN_OR_RETURN(pqxx::result r,
                   Exec("WITH cur AS MATERIALIZED ("
                        "SELECT product_id, warehouse_id, LEAST($3, on_hand - reserved) AS take "
                        "FROM stock WHERE product_id = $1 AND warehouse_id = $2 "
                        "AND on_hand > reserved FOR UPDATE) "
                        "UPDATE stock s SET reserved = s.reserved + cur.take, "
                        "version = s.version + 1 FROM cur "
                        "WHERE s.product_id = cur.product_id AND s.warehouse_id = cur.warehouse_id "
                        "AND s.on_hand - s.reserved >= cur.take "
                        "RETURNING cur.take",
                        p));
  if (r.empty()) return Qty();
  Row row(r[0]);
  const int64_t take = row.Int(0);
  RETURN_IF_ERROR(row.decode_status());
  return Qty::FromUnits(take);
}

Status PgTx::Release(int64_t product_id, int64_t warehouse_id, Qty qty) {
  RETURN_IF_ERROR(CheckWritable());
  if (qty <= Qty()) return Status::Ok();
  Params p;
  p.BindAll(qty, product_id, warehouse_id);
  ASSIGN_OR_RETURN(pqxx::result r,
                   Exec("UPDATE stock SET reserved = GREATEST(reserved - $1, 0), "
                        "version = version + 1 WHERE product_id = $2 AND warehouse_id = $3",
                        p));
  if (r.affected_rows() == 0) return Status::NotFound("stock row not found");
  return Status::Ok();
}

Status PgTx::InsertMovement(const StockMovement& m) {
  RETURN_IF_ERROR(CheckWritable());
  if (failure() != Failure::kNone) return failure_status();
  Columns<8> row;
  row.AddRow(m.product_id, m.warehouse_id, m.kind, m.qty_delta, m.reason, m.order_id, m.user_id,
             m.created_at);
  // Refused now, as a statement with it would be (Run): the transaction goes on.
  if (row.has_nul()) return Status(Code::kValidationFailed, "text may not contain NUL characters");
  // Written with the next statement or before COMMIT (PgTx::Flush), in this order.
  pending_movements_.AddRow(m.product_id, m.warehouse_id, m.kind, m.qty_delta, m.reason, m.order_id,
                            m.user_id, m.created_at);
  return Status::Ok();
}

Result<Page<StockMovement>> PgTx::ListMovements(const MovementFilter& f) {
  Where where;
  if (f.product_id) where.And("product_id = ?", *f.product_id);
  if (f.warehouse_id) where.And("warehouse_id = ?", *f.warehouse_id);
  if (f.order_id) where.And("order_id = ?", *f.order_id);
  Page<StockMovement> out;
  ASSIGN_OR_RETURN(out.total, CountRows("stock_movements", where));
  // Newest first: the list answers "what happened lately".
  auto read = [](Row& r) {
    StockMovement m;
    m.id = r.Int(0);
    m.product_id = r.Int(1);
    m.warehouse_id = r.Int(2);
    m.kind = r.Text(3);
    m.qty_delta = r.Dec<3>(4);
    m.reason = r.Text(5);
    m.order_id = r.OptInt(6);
    m.user_id = r.Int(7);
    m.created_at = r.Int(8);
    return m;
  };
  ASSIGN_OR_RETURN(out.items,
                   ReadPage<StockMovement>("SELECT id, product_id, warehouse_id, kind, qty_delta, "
                                           "reason, order_id, user_id, created_at "
                                           "FROM stock_movements" +
                                               where.Sql() + " ORDER BY id DESC LIMIT ? OFFSET ?",
                                           where, f.page, read));
  return out;
}

}  // namespace ordo::storage::postgres
