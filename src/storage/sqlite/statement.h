#pragma once
// A thin RAII layer over the SQLite C API. A Connection owns one sqlite3 handle and a
// cache of prepared statements keyed by their SQL text; a Stmt borrows one of them,
// binds parameters in order, steps, reads columns, and resets it when it goes out of
// scope. Every SQLite error becomes a Status (see Connection::Error); nothing throws.
// PrepareStatement hands the same cached statements out through the shared statement
// interface of the repositories (storage/sql.h).
//
// Thread-compatible: a Connection and its Stmts are used by one thread at a time.

#include <sqlite3.h>

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "common/decimal.h"
#include "common/status.h"
#include "common/time.h"
#include "storage/sql.h"

namespace ordo::storage::sqlite {

class Stmt;
class PooledStatement;

class Connection {
 public:
  enum class Role {
    kWriter,        // creates the file; journal_mode=WAL, synchronous=FULL, foreign_keys=ON
    kReader,        // query_only
    kCheckpointer,  // copies the WAL into the database file (synchronous=FULL)
  };
  // Opens the database file in the "ordo" VFS (wal_vfs.h). Every role waits up to
  // busy_timeout_ms on a lock.
  static Result<std::unique_ptr<Connection>> Open(const std::string& path, Role role,
                                                  int busy_timeout_ms = 5000);
  ~Connection();
  Connection(const Connection&) = delete;
  Connection& operator=(const Connection&) = delete;

  // Runs SQL without parameters or result rows; may hold several statements.
  Status Exec(const char* sql);
  // Runs one statement without parameters, prepared once and then taken from the cache:
  // for the BEGIN, COMMIT, SAVEPOINT and RELEASE of every transaction.
  Status Run(std::string_view sql);
  // A prepared statement for `sql`, from the cache when it is not already in use.
  Result<Stmt> Prepare(std::string_view sql);
  // The same, as a storage::Statement.
  Result<storage::Statement> PrepareStatement(std::string_view sql);

  sqlite3* handle() const { return db_; }
  bool in_transaction() const { return sqlite3_get_autocommit(db_) == 0; }
  // The Status for result code rc of the last call on this connection: unique
  // violations are kConflict "<column> already exists", a missing referenced row is
  // kNotFound, busy/locked is kUnavailable, everything else kInternal. Messages carry
  // SQLite's text (names, never bound values).
  Status Error(int rc) const;

 private:
  struct Cached {
    sqlite3_stmt* stmt = nullptr;
    bool busy = false;
  };
  struct Hash {
    using is_transparent = void;
    size_t operator()(std::string_view s) const { return std::hash<std::string_view>()(s); }
  };

  explicit Connection(sqlite3* db);
  // The statement for `sql`: a cached one marked busy (*entry set), or, when that one is in
  // use or the cache is full, a one-off (*entry null) that its user finalizes.
  Status Lookup(std::string_view sql, sqlite3_stmt** stmt, Cached** entry);

  static constexpr size_t kMaxCached = 256;

  sqlite3* db_;
  std::unordered_map<std::string, Cached, Hash, std::equal_to<>> cache_;
  // The storage::Statement::Impls of PrepareStatement, made once and handed out again.
  std::vector<std::unique_ptr<PooledStatement>> statements_;
  std::vector<PooledStatement*> idle_statements_;

  friend class Stmt;
  friend class PooledStatement;
};

// One execution of a prepared statement. Parameters are bound in order by Bind(); a
// bind error is reported by the next Step(). Getters read the current row.
class Stmt {
 public:
  Stmt(Stmt&& other) noexcept;
  Stmt& operator=(Stmt&&) = delete;
  Stmt(const Stmt&) = delete;
  ~Stmt();

  Stmt& Bind(int64_t v);
  Stmt& Bind(int v) { return Bind(static_cast<int64_t>(v)); }
  Stmt& Bind(bool v) { return Bind(static_cast<int64_t>(v ? 1 : 0)); }
  Stmt& Bind(std::string_view v);
  Stmt& Bind(const std::string& v) { return Bind(std::string_view(v)); }
  Stmt& Bind(const char* v) { return Bind(std::string_view(v)); }
  Stmt& Bind(std::nullptr_t);
  Stmt& Bind(Date d);  // as TEXT YYYY-MM-DD
  template <int S>
  Stmt& Bind(Fixed<S> v) {
    return Bind(v.units());
  }
  template <typename T>
  Stmt& Bind(const std::optional<T>& v) {
    return v ? Bind(*v) : Bind(nullptr);
  }
  template <typename... Ts>
  Stmt& BindAll(const Ts&... vs) {
    (Bind(vs), ...);
    return *this;
  }

  // Steps once: true when a row is ready, false when the statement is done.
  Result<bool> Step();
  // Steps to the end, ignoring any rows.
  Status Run();
  // Rows changed by the last completed INSERT, UPDATE or DELETE of this connection.
  int64_t changes() const { return sqlite3_changes64(conn_->db_); }

  // Column readers for the current row. Decoding problems (a malformed date, an unknown
  // enum name) are remembered and reported by decode_status().
  bool IsNull(int col) const;
  int64_t Int(int col) const;
  bool Bool(int col) const { return Int(col) != 0; }
  std::string Text(int col) const { return std::string(TextView(col)); }
  // Valid until the next Step.
  std::string_view TextView(int col) const;
  std::optional<int64_t> OptInt(int col) const;
  template <int S>
  Fixed<S> Dec(int col) const {
    return Fixed<S>::FromUnits(Int(col));
  }
  Date AsDate(int col);
  std::optional<Date> OptDate(int col);
  template <typename E>
  E Enum(int col, std::optional<E> (*parse)(std::string_view)) {
    auto v = parse(Text(col));
    if (!v) {
      Fail("unknown enum value in column");
      return E{};
    }
    return *v;
  }
  // Records a decoding problem of the current row (first one wins).
  void Fail(const char* what);
  Status decode_status() const { return decode_; }

 private:
  friend class Connection;
  friend class PooledStatement;
  // A cached statement (entry != nullptr) or an uncached one that this Stmt finalizes.
  Stmt(Connection* conn, sqlite3_stmt* stmt, Connection::Cached* entry)
      : conn_(conn), stmt_(stmt), entry_(entry) {}
  // Holding no statement until Attach (PooledStatement's).
  Stmt() : Stmt(nullptr, nullptr, nullptr) {}
  void Attach(Connection* conn, sqlite3_stmt* stmt, Connection::Cached* entry);
  // Resets the statement and gives it back to the cache (or finalizes it); holds none after.
  void Detach();
  void Check(int rc);

  Connection* conn_;
  sqlite3_stmt* stmt_;
  Connection::Cached* entry_;
  int next_param_ = 0;
  int bind_rc_ = SQLITE_OK;
  Status decode_;
};

// A Stmt seen through storage::Statement; its Connection keeps it between executions.
class PooledStatement final : public storage::Statement::Impl {
 public:
  explicit PooledStatement(Connection* conn) : conn_(conn) {}
  void Start(sqlite3_stmt* stmt, Connection::Cached* entry) { st_.Attach(conn_, stmt, entry); }

  void BindInt(int64_t v) override { st_.Bind(v); }
  void BindBool(bool v) override { st_.Bind(v); }
  void BindText(std::string_view v) override { st_.Bind(v); }
  void BindNull() override { st_.Bind(nullptr); }
  Result<bool> Step() override { return st_.Step(); }
  int64_t Changes() const override { return st_.changes(); }
  bool IsNull(int col) const override { return st_.IsNull(col); }
  int64_t Int(int col) override { return st_.Int(col); }
  bool Bool(int col) const override { return st_.Bool(col); }
  std::string_view Text(int col) const override { return st_.TextView(col); }
  void Finish() override;

 private:
  Connection* conn_;
  Stmt st_;
};

}  // namespace ordo::storage::sqlite
