#pragma once
// The PostgreSQL Tx: its Sql (pg_sql.h: the statement runner, with its failure tracking)
// for the repositories, and the aggregates not yet moved to a repository, each method one
// or a few prepared statements on the connection of the transaction it belongs to. The
// caller (PgStore) begins and ends the transaction; a read-only Tx refuses every write
// with kInternal "read-only transaction". Implemented in pg_tx.cc (the rows kept
// until Flush), pg_tx_stock.cc and pg_tx_orders.cc. Order serials come from the
// store's OrderSerials, outside this transaction (order_serials.h).
//
// Stock movements and audit events are append-only rows nothing in the transaction reads
// back by their id: InsertMovement and KeepEvent (the hook EventRepo::Insert asks) keep
// them and the Tx writes all it kept in one statement just before its next statement or
// before COMMIT (Flush), in the order they were given. The database sees the same
// statements in the same order, batched; a failure of that batch (a foreign key) is
// reported by the next call or by Write, as any failure aborts the transaction anyway. Submit
// writes its movements and events while the order's stock rows are locked, so each round trip saved
// there shortens the wait of every other order for those rows.
//
// Not thread-safe: a Tx belongs to the one call that received it.

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "storage/postgres/connection.h"
#include "storage/postgres/order_serials.h"
#include "storage/postgres/pg_sql.h"
#include "storage/postgres/query.h"
#include "storage/store.h"

namespace ordo::storage::postgres {

class PgTx final : public PgSql, public Tx {
 public:
  // `serials` (the store's) hands out NextOrderSerial; a read-only Tx needs none.
  PgTx(Connection& conn, pqxx::transaction_base& txn, bool writable,
       OrderSerials* serials = nullptr)
      : PgSql(conn, txn, writable), Tx(static_cast<PgSql&>(*this)), serials_(serials) {}

  // Writes the movements and events kept so far.
  Status Flush() override;
  // Keeps the event for Flush.
  std::optional<Status> KeepEvent(const Event& e) override;

  Result<Page<StockRow>> ListStock(const StockFilter& f) override;
  Result<std::vector<StockRow>> StockOfProduct(int64_t product_id) override;
  Result<StockRow> AdjustOnHand(int64_t product_id, int64_t warehouse_id, Qty delta) override;
  Result<Qty> Reserve(int64_t product_id, int64_t warehouse_id, Qty want) override;
  Status Release(int64_t product_id, int64_t warehouse_id, Qty qty) override;
  Status InsertMovement(const StockMovement& m) override;
  Result<Page<StockMovement>> ListMovements(const MovementFilter& f) override;

  Result<int64_t> NextOrderSerial(Date business_date) override;
  Result<int64_t> InsertOrder(const Order& o) override;
  Result<Order> GetOrder(int64_t id) override;
  Status UpdateOrder(const Order& o, int64_t expected_version) override;
  Result<Page<Order>> ListOrders(const OrderFilter& f) override;
  Result<Money> CreditExposure(int64_t customer_id, int64_t exclude_order_id) override;

 private:
  Result<StockRow> LoadStockRow(int64_t product_id, int64_t warehouse_id);
  Status WriteOrderParts(const Order& o, int64_t order_id);

  OrderSerials* const serials_;
  // Kept by InsertMovement and KeepEvent until Flush: columns as kFlushSql binds them.
  Columns<8> pending_movements_;
  Columns<7> pending_events_;
};

}  // namespace ordo::storage::postgres
