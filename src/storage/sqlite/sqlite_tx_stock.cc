// SqliteTx: stock rows and stock movements. Every change of a stock row is one
// conditional UPDATE whose WHERE clause carries the rule (never below reserved, never
// below zero), so the CHECK constraint of the table is a second line of defence only.

#include <string>

#include "storage/sql_filters.h"
#include "storage/sqlite/query.h"
#include "storage/sqlite/sqlite_tx.h"

namespace ordo::storage::sqlite {

namespace {

constexpr std::string_view kStockSelect =
    "SELECT s.product_id, s.warehouse_id, s.on_hand, s.reserved, p.safety_stock, s.version "
    "FROM stock s JOIN products p ON p.id = s.product_id";

StockRow ReadStockRow(Stmt& st) {
  StockRow r;
  r.product_id = st.Int(0);
  r.warehouse_id = st.Int(1);
  r.on_hand = st.Dec<3>(2);
  r.reserved = st.Dec<3>(3);
  r.safety_stock = st.Dec<3>(4);
  r.version = st.Int(5);
  return r;
}

Result<bool> Exists(Connection& conn, const char* sql, int64_t id) {
  ASSIGN_OR_RETURN(Stmt st, conn.Prepare(sql));
  st.Bind(id);
  return st.Step();
}

}  // namespace

Result<StockRow> SqliteTx::LoadStockRow(int64_t product_id, int64_t warehouse_id) {
  ASSIGN_OR_RETURN(Stmt st, conn_.Prepare(std::string(kStockSelect) +
                                          " WHERE s.product_id = ? AND s.warehouse_id = ?"));
  st.BindAll(product_id, warehouse_id);
  ASSIGN_OR_RETURN(bool row, st.Step());
  if (!row) return Status::NotFound("stock row not found");
  return ReadStockRow(st);
}

Result<Page<StockRow>> SqliteTx::ListStock(const StockFilter& f) {
  Where where;
  AddStockFilter(where, f);
  Page<StockRow> out;
  ASSIGN_OR_RETURN(out.total,
                   CountRows(conn_, "stock s JOIN products p ON p.id = s.product_id", where));
  ASSIGN_OR_RETURN(Stmt st, conn_.Prepare(std::string(kStockSelect) + where.Sql() +
                                          " ORDER BY s.product_id, s.warehouse_id "
                                          "LIMIT ? OFFSET ?"));
  where.BindTo(st);
  const Window w = WindowOf(f.page);
  st.BindAll(w.limit, w.offset);
  for (;;) {
    ASSIGN_OR_RETURN(bool row, st.Step());
    if (!row) break;
    out.items.push_back(ReadStockRow(st));
  }
  return out;
}

Result<std::vector<StockRow>> SqliteTx::StockOfProduct(int64_t product_id) {
  ASSIGN_OR_RETURN(Stmt st, conn_.Prepare(std::string(kStockSelect) +
                                          " WHERE s.product_id = ? ORDER BY s.warehouse_id"));
  st.Bind(product_id);
  std::vector<StockRow> out;
  for (;;) {
    ASSIGN_OR_RETURN(bool row, st.Step());
    if (!row) break;
    out.push_back(ReadStockRow(st));
  }
  return out;
}

Result<StockRow> SqliteTx::AdjustOnHand(int64_t product_id, int64_t warehouse_id, Qty delta) {
  RETURN_IF_ERROR(CheckWritable());
  {
    ASSIGN_OR_RETURN(Stmt st, conn_.Prepare("UPDATE stock SET on_hand = on_hand + ?1, "
                                            "version = version + 1 "
                                            "WHERE product_id = ?2 AND warehouse_id = ?3 "
                                            "AND on_hand + ?1 >= reserved AND on_hand + ?1 >= 0"));
    st.BindAll(delta, product_id, warehouse_id);
    RETURN_IF_ERROR(st.Run());
    if (st.changes() > 0) return LoadStockRow(product_id, warehouse_id);
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
  ASSIGN_OR_RETURN(bool product, Exists(conn_, "SELECT 1 FROM products WHERE id = ?", product_id));
  if (!product) return Status::NotFound("product not found");
  ASSIGN_OR_RETURN(bool warehouse,
                   Exists(conn_, "SELECT 1 FROM warehouses WHERE id = ?", warehouse_id));
  if (!warehouse) return Status::NotFound("warehouse not found");
  {
    ASSIGN_OR_RETURN(Stmt ins, conn_.Prepare("INSERT INTO stock (product_id, warehouse_id, "
                                             "on_hand, reserved, version) "
                                             "VALUES (?, ?, ?, 0, 1)"));
    ins.BindAll(product_id, warehouse_id, delta);
    RETURN_IF_ERROR(ins.Run());
  }
  return LoadStockRow(product_id, warehouse_id);
}

Result<Qty> SqliteTx::Reserve(int64_t product_id, int64_t warehouse_id, Qty want) {
  RETURN_IF_ERROR(CheckWritable());
  if (want <= Qty()) return Qty();
  {
    // The common case in one statement: enough is available, all of it is reserved.
    ASSIGN_OR_RETURN(Stmt st, conn_.Prepare("UPDATE stock SET reserved = reserved + ?1, "
                                            "version = version + 1 "
                                            "WHERE product_id = ?2 AND warehouse_id = ?3 "
                                            "AND on_hand - reserved >= ?1 RETURNING 1"));
    st.BindAll(want, product_id, warehouse_id);
    ASSIGN_OR_RETURN(bool row, st.Step());
    if (row) return want;
  }
  // Otherwise the UPDATE alone decides how much is reserved: min(want, available), only while
  // something is available. RETURNING can show only the new value, so the old one is
  // read first; both run in this connection's write transaction, which no other
  // statement can interleave with (the store has one writer and BEGIN IMMEDIATE).
  int64_t before = 0;
  {
    ASSIGN_OR_RETURN(Stmt st, conn_.Prepare("SELECT reserved FROM stock "
                                            "WHERE product_id = ? AND warehouse_id = ?"));
    st.BindAll(product_id, warehouse_id);
    ASSIGN_OR_RETURN(bool row, st.Step());
    if (!row) return Qty();
    before = st.Int(0);
  }
  ASSIGN_OR_RETURN(Stmt st, conn_.Prepare("UPDATE stock SET reserved = reserved + "
                                          "min(?1, on_hand - reserved), version = version + 1 "
                                          "WHERE product_id = ?2 AND warehouse_id = ?3 "
                                          "AND on_hand > reserved RETURNING reserved"));
  st.BindAll(want, product_id, warehouse_id);
  ASSIGN_OR_RETURN(bool row, st.Step());
  if (!row) return Qty();
  return Qty::FromUnits(st.Int(0) - before);
}

Status SqliteTx::Release(int64_t product_id, int64_t warehouse_id, Qty qty) {
  RETURN_IF_ERROR(CheckWritable());
  if (qty <= Qty()) return Status::Ok();
  ASSIGN_OR_RETURN(Stmt st, conn_.Prepare("UPDATE stock SET reserved = max(reserved - ?1, 0), "
                                          "version = version + 1 "
                                          "WHERE product_id = ?2 AND warehouse_id = ?3"));
  st.BindAll(qty, product_id, warehouse_id);
  RETURN_IF_ERROR(st.Run());
  if (st.changes() == 0) return Status::NotFound("stock row not found");
  return Status::Ok();
}

Status SqliteTx::InsertMovement(const StockMovement& m) {
  RETURN_IF_ERROR(CheckWritable());
  ASSIGN_OR_RETURN(Stmt st, conn_.Prepare("INSERT INTO stock_movements (product_id, "
                                          "warehouse_id, kind, qty_delta, reason, order_id, "
                                          "user_id, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)"));
  st.BindAll(m.product_id, m.warehouse_id, m.kind, m.qty_delta, m.reason, m.order_id, m.user_id,
             m.created_at);
  return st.Run();
}

Result<Page<StockMovement>> SqliteTx::ListMovements(const MovementFilter& f) {
  Where where;
  if (f.product_id) where.And("product_id = ?", *f.product_id);
  if (f.warehouse_id) where.And("warehouse_id = ?", *f.warehouse_id);
  if (f.order_id) where.And("order_id = ?", *f.order_id);
  Page<StockMovement> out;
  ASSIGN_OR_RETURN(out.total, CountRows(conn_, "stock_movements", where));
  // Newest first: the list answers "what happened lately".
  ASSIGN_OR_RETURN(Stmt st, conn_.Prepare("SELECT id, product_id, warehouse_id, kind, qty_delta, "
                                          "reason, order_id, user_id, created_at "
                                          "FROM stock_movements" +
                                          where.Sql() + " ORDER BY id DESC LIMIT ? OFFSET ?"));
  where.BindTo(st);
  const Window w = WindowOf(f.page);
  st.BindAll(w.limit, w.offset);
  for (;;) {
    ASSIGN_OR_RETURN(bool row, st.Step());
    if (!row) break;
    StockMovement m;
    m.id = st.Int(0);
    m.product_id = st.Int(1);
    m.warehouse_id = st.Int(2);
    m.kind = st.Text(3);
    m.qty_delta = st.Dec<3>(4);
    m.reason = st.Text(5);
    m.order_id = st.OptInt(6);
    m.user_id = st.Int(7);
    m.created_at = st.Int(8);
    out.items.push_back(std::move(m));
  }
  return out;
}

}  // namespace ordo::storage::sqlite
