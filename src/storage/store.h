#pragma once
// The storage interface. Every use case runs inside one Store::Write (or Read) call: the
// function receives a Tx, does its reads and writes through it, and either everything it
// wrote commits durably (fsync'ed) before Write returns Ok, or nothing does.
//
// A Tx gives access to one repository per aggregate (tx.customers(), tx.products(), ...),
// each in its own header and written once for both databases on the statement interface
// of storage/sql.h. The aggregates not yet moved to a repository are still virtual methods
// of Tx that each backend implements (sqlite/sqlite_tx*.cc, postgres/pg_tx*.cc).
//
// Implementations: storage/sqlite (one writer thread with group commit, a pool of
// readers) and storage/postgres. Both pass the contract tests of test/storage_contract*.
//
// Thread-safety: Store is thread-safe. A Tx belongs to the call that received it and
// must not escape it.

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "common/decimal.h"
#include "common/status.h"
#include "common/time.h"
#include "domain/entities.h"
#include "domain/order.h"
#include "storage/customer_repo.h"
#include "storage/event_repo.h"
#include "storage/idempotency_repo.h"
#include "storage/page.h"
#include "storage/product_repo.h"
#include "storage/session_repo.h"
#include "storage/settings_repo.h"
#include "storage/sql.h"
#include "storage/user_repo.h"
#include "storage/warehouse_repo.h"

namespace ordo::storage {

using domain::Customer;
using domain::Event;
using domain::Order;
using domain::Product;
using domain::StockMovement;
using domain::StockRow;
using domain::User;
using domain::Warehouse;

struct StockFilter {
  std::optional<int64_t> product_id;
  std::vector<int64_t> product_ids;  // any of these (empty: no such condition)
  std::optional<int64_t> warehouse_id;
  bool below_safety_only = false;
  PageRequest page;
};

struct MovementFilter {
  std::optional<int64_t> product_id;
  std::optional<int64_t> warehouse_id;
  std::optional<int64_t> order_id;
  PageRequest page;
};

enum class OrderSort { kCreatedDesc, kCreatedAsc, kNumberDesc, kNumberAsc, kGrossDesc, kGrossAsc };

struct OrderFilter {
  std::vector<domain::OrderStatus> statuses;  // any of; empty = all
  std::optional<int64_t> customer_id;
  std::optional<domain::Channel> channel;
  std::optional<int64_t> partner_id;  // partner users see only theirs
  std::optional<int64_t> created_by;
  // Pending review and not yet decided, in its current round, by at least one of these
  // departments (a reviewer's inbox); empty = no such condition.
  std::vector<domain::Department> awaiting;
  std::string q;               // number, customer name or code, external_ref
  std::optional<Millis> from;  // created_at >= from
  std::optional<Millis> to;    // created_at < to
  OrderSort sort = OrderSort::kCreatedDesc;
  PageRequest page;
};

// One transaction's view of the data. Methods return kNotFound for missing rows and
// kConflict for unique-key clashes (Status message names the field) and stale versions.
class Tx {
 public:
  virtual ~Tx() = default;
  Tx(const Tx&) = delete;
  Tx& operator=(const Tx&) = delete;

  CustomerRepo& customers() { return customers_; }
  ProductRepo& products() { return products_; }
  WarehouseRepo& warehouses() { return warehouses_; }
  SettingsRepo& settings() { return settings_; }
  UserRepo& users() { return users_; }
  SessionRepo& sessions() { return sessions_; }
  EventRepo& events() { return events_; }
  IdempotencyRepo& idempotency() { return idempotency_; }

  // Stock. Rows exist once a product has been adjusted into a warehouse.
  virtual Result<Page<StockRow>> ListStock(const StockFilter& f) = 0;
  virtual Result<std::vector<StockRow>> StockOfProduct(int64_t product_id) = 0;
  // on_hand += delta, only if the result stays >= reserved and >= 0 (creates the row
  // when missing). kBusinessRule "insufficient_stock" when it would not.
  virtual Result<StockRow> AdjustOnHand(int64_t product_id, int64_t warehouse_id, Qty delta) = 0;
  // Reserves up to `want` of what is available, in one conditional update; returns the
  // quantity actually reserved (0 when none is available or there is no row).
  virtual Result<Qty> Reserve(int64_t product_id, int64_t warehouse_id, Qty want) = 0;
  // reserved −= qty (never below 0).
  virtual Status Release(int64_t product_id, int64_t warehouse_id, Qty qty) = 0;
  virtual Status InsertMovement(const StockMovement& m) = 0;
  virtual Result<Page<StockMovement>> ListMovements(const MovementFilter& f) = 0;

  // Orders. InsertOrder writes the header, lines, flags and reviews and returns the id;
  // UpdateOrder replaces them all if the stored version is expected_version and stores
  // order.version as the new one.
  virtual Result<int64_t> NextOrderSerial(Date business_date) = 0;
  virtual Result<int64_t> InsertOrder(const Order& o) = 0;
  virtual Result<Order> GetOrder(int64_t id) = 0;
  virtual Status UpdateOrder(const Order& o, int64_t expected_version) = 0;
  // Headers and totals only (lines, flags and reviews left empty).
  virtual Result<Page<Order>> ListOrders(const OrderFilter& f) = 0;
  // Σ(gross − paid) over the customer's orders in pending_review, approved, confirmed,
  // in_progress, on_hold, plus Σ(invoiced − paid) over its other non-cancelled orders,
  // leaving out exclude_order_id. The SQL twin of domain::CreditExposure. Exact; a sum
  // that does not fit in an int64 reads as the largest Money (PostgreSQL; SQLite's
  // running total refuses the write that would make it).
  virtual Result<Money> CreditExposure(int64_t customer_id, int64_t exclude_order_id) = 0;

 protected:
  // The repositories run their statements on sql, which must outlive this Tx (a backend's
  // Tx derives from its Sql, listed first among its bases).
  explicit Tx(Sql& sql)
      : customers_(sql),
        products_(sql),
        warehouses_(sql),
        settings_(sql),
        users_(sql),
        sessions_(sql, users_),
        events_(sql),
        idempotency_(sql) {}

 private:
  CustomerRepo customers_;
  ProductRepo products_;
  WarehouseRepo warehouses_;
  SettingsRepo settings_;
  UserRepo users_;
  SessionRepo sessions_;
  EventRepo events_;
  IdempotencyRepo idempotency_;
};

class Store {
 public:
  virtual ~Store() = default;
  // Runs fn in a read-write transaction and commits durably when it returns Ok; when it
  // returns an error (or throws), nothing it wrote remains and its Status is returned.
  virtual Status Write(const std::function<Status(Tx&)>& fn) = 0;
  // Runs fn on a consistent read-only snapshot; writes through its Tx fail.
  virtual Status Read(const std::function<Status(Tx&)>& fn) = 0;
  // Read, for lookups whose result is never shown as data (the session behind a token):
  // the snapshot may hold commits whose callers have not been answered yet because they
  // are not yet on disk, and Read waits for those (SQLite); this does not wait.
  virtual Status ReadLatest(const std::function<Status(Tx&)>& fn) { return Read(fn); }
  // Ok when the database answers.
  virtual Status Ping() = 0;
  // "sqlite" or "postgresql".
  virtual std::string Kind() const = 0;
  // Copies a consistent snapshot of the database to `path` (SQLite) — see docs/operations.md.
  virtual Status Backup(const std::string& path) = 0;
};

// Opens "sqlite:PATH" or "postgresql://..." and runs the migrations.
Result<std::unique_ptr<Store>> OpenStore(const std::string& url);

}  // namespace ordo::storage
