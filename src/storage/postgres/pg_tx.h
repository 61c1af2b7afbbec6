#pragma once
// The PostgreSQL Tx: every method is one or a few prepared statements on the connection
// of the transaction it belongs to. The caller (PgStore) begins and ends the transaction;
// a read-only Tx refuses every write with kInternal "read-only transaction".
// Implemented in pg_tx.cc (users, sessions, master data, events, idempotency),
// pg_tx_stock.cc and pg_tx_orders.cc. Order serials come from the store's OrderSerials,
// outside this transaction (order_serials.h).
//
// A statement that fails aborts a PostgreSQL transaction (SQLite's goes on). The Tx
// remembers the first failure and how it was classified; every later call answers that
// failure's Status without going to the server, and PgStore rolls back and, for deadlocks,
// serialization failures, lost check-then-insert races and lost connections, runs the
// whole function again.
//
// Stock movements and audit events are append-only rows nothing in the transaction reads
// back by their id: InsertMovement and InsertEvent keep them and the Tx writes all it kept
// in one statement just before its next statement or before COMMIT (Flush), in the order
// they were given. The database sees the same statements in the same order, batched; a
// failure of that batch (a foreign key) is reported by the next call or by Write, as any
// failure aborts the transaction anyway. Submit writes its movements and events while
// the order's stock rows are locked, so each round trip saved there shortens the wait of
// every other order for those rows.
//
// Not thread-safe: a Tx belongs to the one call that received it.

#include <string>
#include <string_view>
#include <vector>

#include "storage/postgres/connection.h"
#include "storage/postgres/order_serials.h"
#include "storage/postgres/query.h"
#include "storage/store.h"

namespace ordo::storage::postgres {

class PgTx final : public Tx {
 public:
  // `serials` (the store's) hands out NextOrderSerial; a read-only Tx needs none.
  PgTx(Connection& conn, pqxx::transaction_base& txn, bool writable,
       OrderSerials* serials = nullptr)
      : conn_(conn), txn_(txn), writable_(writable), serials_(serials) {}

  // The first failed statement's classification (kNone while every statement succeeded)
  // and its Status.
  Failure failure() const { return failure_; }
  const Status& failure_status() const { return failure_status_; }

  // Writes the movements and events kept so far. PgStore calls it before COMMIT; a
  // failure is remembered as a statement's is.
  Status Flush();

  Result<int64_t> InsertUser(const User& user, const std::string& password_hash) override;
  Result<UserRecord> GetUser(int64_t id) override;
  Result<UserRecord> GetUserByUsername(const std::string& username) override;
  Status UpdateUser(const User& user, int64_t expected_version,
                    const std::string& password_hash) override;
  Result<Page<User>> ListUsers(const PageRequest& page) override;
  Result<int64_t> CountUsers() override;
  Status InsertSession(const std::string& token_hash, int64_t user_id, Millis created_at,
                       Millis expires_at) override;
  Result<UserRecord> GetSessionUser(const std::string& token_hash, Millis now) override;
  Status DeleteSession(const std::string& token_hash) override;
  Status DeleteSessionsOfUser(int64_t user_id, const std::string& keep_token_hash) override;

  Result<int64_t> InsertCustomer(const Customer& c) override;
  Result<Customer> GetCustomer(int64_t id) override;
  Status UpdateCustomer(const Customer& c, int64_t expected_version) override;
  Result<Page<Customer>> ListCustomers(const CustomerFilter& f) override;

  Result<int64_t> InsertProduct(const Product& p) override;
  Result<Product> GetProduct(int64_t id) override;
  Status UpdateProduct(const Product& p, int64_t expected_version) override;
  Result<Page<Product>> ListProducts(const ProductFilter& f) override;

  Result<int64_t> InsertWarehouse(const Warehouse& w) override;
  Result<Warehouse> GetWarehouse(int64_t id) override;
  Result<Page<Warehouse>> ListWarehouses(const PageRequest& page) override;

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

  Status InsertEvent(const Event& e) override;
  Result<std::vector<Event>> ListEvents(const std::string& entity, int64_t entity_id) override;
  Result<Page<Event>> ListAuditEvents(const EventFilter& f) override;

  Result<std::vector<std::pair<std::string, std::string>>> GetSettings() override;
  Status PutSetting(const std::string& key, const std::string& value) override;
  Result<std::optional<IdempotencyRecord>> GetIdempotency(int64_t user_id,
                                                          const std::string& key) override;
  Status PutIdempotency(int64_t user_id, const std::string& key, const IdempotencyRecord& rec,
                        Millis now) override;

 private:
  // Runs one statement with its parameters bound: prepared on this connection, or unnamed
  // when the connection's statement cache is full. A libpqxx exception becomes the
  // returned Status and the Tx's failure.
  Result<pqxx::result> Exec(std::string_view sql, const Params& params = Params());
  // Exec without writing the kept rows first (Exec calls Flush, Flush calls this).
  Result<pqxx::result> Run(std::string_view sql, const Params& params);
  // Exec for a statement that returns one row with one integer column (an id, a count).
  Result<int64_t> ExecInt(std::string_view sql, const Params& params, const char* what);
  // SELECT COUNT(*) FROM <from><where>.
  Result<int64_t> CountRows(std::string_view from, const Where& where);
  // Runs `sql` (ending in LIMIT $n OFFSET $n+1, numbered after where's parameters) and
  // decodes each row with `read`.
  template <typename T, typename Read>
  Result<std::vector<T>> ReadPage(const std::string& sql, const Where& where,
                                  const PageRequest& page, Read read);

  Status CheckWritable() const;
  Result<std::vector<domain::Role>> LoadRoles(int64_t user_id);
  Status WriteRoles(int64_t user_id, const std::vector<domain::Role>& roles);
  Result<UserRecord> LoadUser(std::string_view where_sql, const Params& params);
  Result<StockRow> LoadStockRow(int64_t product_id, int64_t warehouse_id);
  Status WriteOrderParts(const Order& o, int64_t order_id);
  // Checks that an UPDATE ... WHERE id = $ AND version = $ changed a row; when it did
  // not, tells a missing row (kNotFound "<what> not found") from a stale version, which
  // is a failure of kind kRetry.
  Status VersionedUpdateResult(const pqxx::result& r, std::string_view table, int64_t id,
                               std::string_view what);

  Connection& conn_;
  pqxx::transaction_base& txn_;
  const bool writable_;
  OrderSerials* const serials_;
  Failure failure_ = Failure::kNone;
  Status failure_status_;
  // Kept by InsertMovement and InsertEvent until Flush: columns as kFlushSql binds them.
  Columns<8> pending_movements_;
  Columns<7> pending_events_;
};

// The LIMIT and OFFSET of a page, clamped to 1..200 rows and page >= 1.
struct Window {
  int64_t limit;
  int64_t offset;
};
Window WindowOf(const PageRequest& page);

template <typename T, typename Read>
Result<std::vector<T>> PgTx::ReadPage(const std::string& sql, const Where& where,
                                      const PageRequest& page, Read read) {
  Params params;
  where.BindTo(params);
  const Window w = WindowOf(page);
  params.BindAll(w.limit, w.offset);
  ASSIGN_OR_RETURN(pqxx::result r, Exec(sql, params));
  std::vector<T> out;
  out.reserve(r.size());
  for (const auto& raw : r) {
    Row row(raw);
    out.push_back(read(row));
    RETURN_IF_ERROR(row.decode_status());
  }
  return out;
}

}  // namespace ordo::storage::postgres
