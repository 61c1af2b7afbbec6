#pragma once
// The PostgreSQL Store, for several `ordo serve` processes sharing one database.
//
// Write runs its function in one READ COMMITTED transaction (BEGIN; fn; COMMIT) on a
// connection from a pool; it is durable when Write returns Ok as far as the server's
// synchronous_commit (on by default) makes it. Read runs in a REPEATABLE READ READ ONLY
// transaction: one consistent snapshot. Correctness across servers comes from the
// statements, not from a single writer: stock rows change by single conditional UPDATEs
// (rows locked in the order the use cases take them), order serials from blocks of the
// day's counter row that each server reserves in short transactions of their own
// (order_serials.h: unique, increasing per server, gap-tolerant), idempotency keys by
// their primary key.
//
// A Write runs its function again, from the start, when the database asks for it: up to 5
// times with backoff after a deadlock, a serialization failure or a versioned UPDATE that
// found a newer version than the function read (SQLite's single writer never lets two
// use cases interleave so; the run again answers what SQLite would), once after a unique
// violation of a key the use cases check before inserting (idempotency_keys, usernames: a
// concurrent transaction got there first, and the second run sees its row), and up to
// twice on a fresh connection when the connection broke before COMMIT. Write functions
// must therefore only touch their Tx and state they reset themselves. A connection lost
// during COMMIT is not retried (the outcome is unknown): kUnavailable.
//
// URL: postgresql://user:password@host:port/dbname?param=value..., every libpq parameter
// accepted, plus pool_size=N (connections per process, 2 to 1000; default ORDO_PG_POOL,
// else 16), plus one for reserving order serials. Size the server's max_connections for
// (pool_size + 1) times the number of servers.
//
// Representation: as the SQLite store (storage/sqlite/sqlite_store.h), in PostgreSQL
// types: BIGINT for money, quantities, rates and instants, DATE, BOOLEAN, JSONB contacts.
// The schema is src/storage/migrations/*.postgres.sql, applied by Open under an advisory
// lock.
//
// Thread-safe.

#include <memory>
#include <string>

#include "storage/postgres/order_serials.h"
#include "storage/postgres/pool.h"
#include "storage/store.h"

namespace ordo::storage::postgres {

class PgStore final : public Store {
 public:
  static constexpr int kDefaultPoolSize = 16;

  // Connects, migrates and checks the database at `url` (postgresql:// or postgres://).
  static Result<std::unique_ptr<PgStore>> Open(const std::string& url);

  Status Write(const std::function<Status(Tx&)>& fn) override;
  Status Read(const std::function<Status(Tx&)>& fn) override;
  Status Ping() override;
  std::string Kind() const override { return "postgresql"; }
  // Not done here: kValidationFailed "use pg_dump for PostgreSQL" (docs/operations.md).
  Status Backup(const std::string& path) override;

 private:
  PgStore(const std::string& conninfo, int pool_size)
      : pool_(conninfo, pool_size), serials_(conninfo) {}

  struct Attempt;
  Attempt WriteOnce(const std::function<Status(Tx&)>& fn);
  Attempt ReadOnce(const std::function<Status(Tx&)>& fn);

  Pool pool_;
  OrderSerials serials_;  // its own connection: a Write never waits for the pool twice
};

// Splits Ordo's own parameters off a PostgreSQL URL: the libpq connection URI (with
// fallback_application_name=ordo and connect_timeout=10 unless given) and the pool size.
struct PgUrl {
  std::string conninfo;
  int pool_size = PgStore::kDefaultPoolSize;
};
Result<PgUrl> ParsePgUrl(const std::string& url, const char* pool_env);

}  // namespace ordo::storage::postgres
