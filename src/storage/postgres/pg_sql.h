#pragma once
// The statement interface of the repositories (storage/sql.h) on one PostgreSQL connection,
// for one transaction (begun and ended by PgStore), and the runner of every statement of
// that transaction. SQL written with `?` is numbered $1..$n once per text and prepared once
// per connection (Connection::Prepared).
//
// A statement that fails aborts a PostgreSQL transaction (SQLite's goes on). PgSql
// remembers the first failure and how it was classified (Classify, connection.h); every
// later statement answers that failure's Status without going to the server, and PgStore
// rolls back and, for deadlocks, serialization failures, stale versions, lost
// check-then-insert races and lost connections, runs the whole use case again.
//
// Not thread-safe: belongs to the one call that received its Tx.

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "storage/postgres/connection.h"
#include "storage/query.h"
#include "storage/sql.h"

namespace ordo::storage::postgres {

class PgStatement;

class PgSql : public storage::Sql {
 public:
  PgSql(Connection& conn, pqxx::transaction_base& txn, bool writable);
  ~PgSql() override;

  Result<storage::Statement> Prepare(std::string_view sql) override;
  Status CheckWritable() const override {
    return writable_ ? Status::Ok() : Status::Internal("read-only transaction");
  }
  // ILIKE: PostgreSQL's LIKE minds case, SQLite's does not (and pg_trgm serves ILIKE).
  std::string Contains(std::string_view column) const override {
    return std::string(column) + " ILIKE ? ESCAPE '\\'";
  }
  Status StaleVersion() override;

  // The first failed statement's classification (kNone while every statement succeeded)
  // and its Status.
  Failure failure() const { return failure_; }
  const Status& failure_status() const { return failure_status_; }

  // Runs before every statement (and, called by PgStore, before COMMIT): PgTx writes the
  // rows it kept back. A failure is remembered as a statement's is.
  virtual Status Flush() { return Status::Ok(); }

  // Runs one statement (`?` or $n placeholders) with its parameters bound: prepared on
  // this connection, or unnamed when the connection's statement cache is full. A libpqxx
  // exception becomes the returned Status and the transaction's failure.
  Result<pqxx::result> Exec(std::string_view sql, const Params& params = Params());

 protected:
  // Exec without Flush first (Flush itself runs its statement so).
  Result<pqxx::result> Run(std::string_view sql, const Params& params);
  // Exec for a statement that returns one row with one integer column (an id, a count).
  Result<int64_t> ExecInt(std::string_view sql, const Params& params, const char* what);
  // SELECT COUNT(*) FROM <from><where>.
  Result<int64_t> CountRows(std::string_view from, const Where& where);
  // Runs `sql` (ending in LIMIT ? OFFSET ?) with where's parameters and the page's window,
  // decoding each row with `read`.
  template <typename T, typename Read>
  Result<std::vector<T>> ReadPage(const std::string& sql, const Where& where,
                                  const PageRequest& page, Read read);
  // Remembers a failure that makes the transaction unusable, as a failed statement does.
  Status Fail(Failure failure, Status status);

  Connection& conn_;
  pqxx::transaction_base& txn_;
  const bool writable_;

 private:
  friend class PgStatement;

  Failure failure_ = Failure::kNone;
  Status failure_status_;
  // The Impls of Prepare, made once per transaction and handed out again.
  std::vector<std::unique_ptr<PgStatement>> statements_;
  std::vector<PgStatement*> idle_statements_;
};

template <typename T, typename Read>
Result<std::vector<T>> PgSql::ReadPage(const std::string& sql, const Where& where,
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
