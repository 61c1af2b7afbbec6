#pragma once
// The SQLite Tx: its Sql (sqlite_sql.h) for the repositories, and the aggregates not yet
// moved to a repository, each method a few cached prepared statements on the connection
// of the transaction it belongs to. The caller (SqliteStore) begins and ends the
// transaction; a read-only Tx refuses every write with kInternal "read-only transaction".
// Implemented in sqlite_tx_stock.cc, sqlite_tx_orders.cc and sqlite_tx_search.cc.
//
// Not thread-safe: a Tx belongs to the one call that received it.

#include <string>
#include <vector>

#include "storage/query.h"
#include "storage/sqlite/sqlite_sql.h"
#include "storage/sqlite/statement.h"
#include "storage/sqlite/trigram_stats.h"
#include "storage/store.h"

namespace ordo::storage::sqlite {

class SqliteTx final : public SqliteSql, public Tx {
 public:
  // `stats` (optional) remembers trigram counts across transactions (trigram_stats.h).
  SqliteTx(Connection& conn, bool writable, TrigramStats* stats = nullptr)
      : SqliteSql(conn, writable), Tx(static_cast<SqliteSql&>(*this)), stats_(stats) {}

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
  // ListOrders with a search term; `filters` holds the other filters, `by_status` how
  // many orders have the statuses asked for (see sqlite_tx_orders.cc).
  Result<Page<Order>> SearchOrders(const OrderFilter& f, const Where& filters, int64_t by_status);
  // The FTS5 phrase to look q up with: q itself, or the part of it whose trigrams are
  // rare enough (the caller then checks the whole of q on what it finds).
  Result<std::string> SelectivePhrase(const std::string& q);
  // Runs `sql` (a header SELECT ending in LIMIT ? OFFSET ?) with where's parameters.
  Result<std::vector<Order>> ReadOrderPage(const std::string& sql, const Where& where,
                                           const Window& w);

  TrigramStats* const stats_;
};

}  // namespace ordo::storage::sqlite
