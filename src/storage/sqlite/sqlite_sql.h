#pragma once
// The statement interface of the repositories (storage/sql.h) on one SQLite connection, for
// one transaction (begun and ended by SqliteStore or the writer). Statements come from the
// connection's cache (statement.h); errors become Statuses in Connection::Error.
//
// Not thread-safe: belongs to the one call that received its Tx.

#include <string>
#include <string_view>

#include "storage/sql.h"
#include "storage/sqlite/statement.h"

namespace ordo::storage::sqlite {

class SqliteSql : public storage::Sql {
 public:
  SqliteSql(Connection& conn, bool writable) : conn_(conn), writable_(writable) {}

  Result<storage::Statement> Prepare(std::string_view sql) override {
    return conn_.PrepareStatement(sql);
  }
  Status CheckWritable() const override {
    return writable_ ? Status::Ok() : Status::Internal("read-only transaction");
  }
  // LIKE ignores ASCII case in SQLite.
  std::string Contains(std::string_view column) const override {
    return std::string(column) + " LIKE ? ESCAPE '\\'";
  }
  // The single writer runs one use case at a time: a stale version is the caller's.
  Status StaleVersion() override { return Status::Conflict("stale version"); }

 protected:
  Connection& conn_;
  const bool writable_;
};

}  // namespace ordo::storage::sqlite
