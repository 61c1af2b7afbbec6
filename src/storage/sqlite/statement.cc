#include "storage/sqlite/statement.h"

#include <string>

#include "storage/sqlite/wal_vfs.h"

namespace ordo::storage::sqlite {

namespace {

// "UNIQUE constraint failed: customers.code" → "code"; with several columns the last
// one names the key ("idempotency_keys.user_id, idempotency_keys.key" → "key").
std::string UniqueColumn(std::string_view msg) {
  const auto colon = msg.rfind(": ");
  std::string_view cols = colon == std::string_view::npos ? msg : msg.substr(colon + 2);
  const auto comma = cols.rfind(", ");
  if (comma != std::string_view::npos) cols = cols.substr(comma + 2);
  const auto dot = cols.rfind('.');
  if (dot != std::string_view::npos) cols = cols.substr(dot + 1);
  return cols.empty() ? std::string("key") : std::string(cols);
}

}  // namespace

Result<std::unique_ptr<Connection>> Connection::Open(const std::string& path, Role role,
                                                     int busy_timeout_ms) {
  const bool writer = role == Role::kWriter;
  // Once, before SQLite initialises (it fails harmlessly if SQLite is already running):
  // - no memory statistics, so that its allocator takes no global mutex on every call;
  // - each job of a writer batch runs in a savepoint, whose undo log (the statement
  //   journal) SQLite moves to a temporary file once it passes 64 KiB: an order's job
  //   passes that, and then pays two write() calls per page it touches, on the writer's
  //   critical path. Kept in memory up to 4 MiB instead. (Not all in memory: SQLite
  //   seeks in an in-memory journal by walking it from the start, which made jobs of
  //   thousands of orders quadratic.)
  static const bool configured = [] {
    sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0);
    sqlite3_config(SQLITE_CONFIG_STMTJRNL_SPILL, 4 << 20);
    return true;
  }();
  (void)configured;
  sqlite3* db = nullptr;
  const int flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX | (writer ? SQLITE_OPEN_CREATE : 0);
  const int rc = sqlite3_open_v2(path.c_str(), &db, flags, OrdoVfsName());
  if (rc != SQLITE_OK) {
    // The path is configuration, not request data; it helps the operator.
    Status st(Code::kUnavailable, "cannot open SQLite database " + path + ": " +
                                      (db ? sqlite3_errmsg(db) : sqlite3_errstr(rc)));
    sqlite3_close_v2(db);
    return st;
  }
  std::unique_ptr<Connection> conn(new Connection(db));
  if (writer) {
    // Most of what a statement allocates while it runs comes from this per-connection
    // pool instead of malloc: 2,000 slots of 1,200 bytes (SQLite's default is 100).
    sqlite3_db_config(db, SQLITE_DBCONFIG_LOOKASIDE, nullptr, 1200, 2000);
  }
  sqlite3_extended_result_codes(db, 1);
  sqlite3_busy_timeout(db, busy_timeout_ms);
  if (writer) {
    // journal_mode answers the mode in effect; anything but wal means no WAL here.
    {
      ASSIGN_OR_RETURN(Stmt st, conn->Prepare("PRAGMA journal_mode=WAL"));
      ASSIGN_OR_RETURN(bool row, st.Step());
      if (!row || st.Text(0) != "wal") {
        return Status(Code::kUnavailable, "SQLite database " + path + " cannot use WAL mode");
      }
    }
    // NORMAL: a commit does not fsync the WAL itself; the writer's syncer thread does,
    // before any caller of the batch returns (writer.h). Checkpoints still sync.
    RETURN_IF_ERROR(conn->Exec("PRAGMA synchronous=NORMAL"));
    // After a checkpoint the WAL file is cut back to this size instead of staying at
    // its high-water mark (the writer lets it grow to about 128 MiB; writer.cc).
    RETURN_IF_ERROR(conn->Exec("PRAGMA journal_size_limit=134217728"));
    RETURN_IF_ERROR(conn->Exec("PRAGMA foreign_keys=ON"));
    // The pages a batch of orders touches (the tails of the tables, every product's
    // place in the indexes) stay in memory: 32 MiB instead of SQLite's 2 MiB.
    RETURN_IF_ERROR(conn->Exec("PRAGMA cache_size=-32768"));

  } else if (role == Role::kCheckpointer) {
    // A checkpoint syncs the WAL before copying it and the database before the WAL may
    // be reused, as the connection's synchronous setting says.
    RETURN_IF_ERROR(conn->Exec("PRAGMA synchronous=FULL"));
  } else {
    RETURN_IF_ERROR(conn->Exec("PRAGMA query_only=ON"));
    // Lists and searches over a million orders revisit the same index and table pages:
    // 16 MiB per reader instead of 2 (there are at most 8 readers; see docs/deploy.md).
    RETURN_IF_ERROR(conn->Exec("PRAGMA cache_size=-16384"));
  }
  return conn;
}

Connection::Connection(sqlite3* db) : db_(db) {}

Connection::~Connection() {
  statements_.clear();
  for (auto& [sql, c] : cache_) sqlite3_finalize(c.stmt);
  sqlite3_close_v2(db_);
}

Status Connection::Exec(const char* sql) {
  const int rc = sqlite3_exec(db_, sql, nullptr, nullptr, nullptr);
  return rc == SQLITE_OK ? Status::Ok() : Error(rc);
}

Status Connection::Run(std::string_view sql) {
  ASSIGN_OR_RETURN(Stmt st, Prepare(sql));
  return st.Run();
}

Status Connection::Lookup(std::string_view sql, sqlite3_stmt** stmt, Cached** entry) {
  auto it = cache_.find(sql);
  if (it != cache_.end() && !it->second.busy) {
    it->second.busy = true;
    *stmt = it->second.stmt;
    *entry = &it->second;
    return Status::Ok();
  }
  *entry = nullptr;
  const int rc = sqlite3_prepare_v3(db_, sql.data(), static_cast<int>(sql.size()),
                                    SQLITE_PREPARE_PERSISTENT, stmt, nullptr);
  if (rc != SQLITE_OK) return Error(rc);
  // In use (a statement prepared again while its cached twin is stepping), or the cache
  // is full (list queries vary with their filters): a one-off statement.
  if (it != cache_.end() || cache_.size() >= kMaxCached) return Status::Ok();
  auto [ins, ok] = cache_.emplace(std::string(sql), Cached{*stmt, true});
  *entry = &ins->second;
  return Status::Ok();
}

Result<Stmt> Connection::Prepare(std::string_view sql) {
  sqlite3_stmt* stmt = nullptr;
  Cached* entry = nullptr;
  RETURN_IF_ERROR(Lookup(sql, &stmt, &entry));
  return Stmt(this, stmt, entry);
}

Result<storage::Statement> Connection::PrepareStatement(std::string_view sql) {
  sqlite3_stmt* stmt = nullptr;
  Cached* entry = nullptr;
  RETURN_IF_ERROR(Lookup(sql, &stmt, &entry));
  if (idle_statements_.empty()) {
    statements_.push_back(std::make_unique<PooledStatement>(this));
    idle_statements_.push_back(statements_.back().get());
  }
  PooledStatement* impl = idle_statements_.back();
  idle_statements_.pop_back();
  impl->Start(stmt, entry);
  return storage::Statement(impl);
}

void PooledStatement::Finish() {
  st_.Detach();
  conn_->idle_statements_.push_back(this);
}

Status Connection::Error(int rc) const {
  const char* msg = sqlite3_errmsg(db_);
  switch (rc) {
    case SQLITE_CONSTRAINT_UNIQUE:
    case SQLITE_CONSTRAINT_PRIMARYKEY:
      return Status::Conflict(UniqueColumn(msg) + " already exists");
    case SQLITE_CONSTRAINT_FOREIGNKEY:
      return Status::NotFound("a referenced record does not exist");
    default:
      break;
  }
  switch (rc & 0xff) {
    case SQLITE_BUSY:
    case SQLITE_LOCKED:
      return Status(Code::kUnavailable, "the database is busy");
    default:
      return Status::Internal(std::string("sqlite: ") + sqlite3_errstr(rc) + ": " + msg);
  }
}

Stmt::Stmt(Stmt&& other) noexcept
    : conn_(other.conn_),
      stmt_(other.stmt_),
      entry_(other.entry_),
      next_param_(other.next_param_),
      bind_rc_(other.bind_rc_),
      decode_(std::move(other.decode_)) {
  other.stmt_ = nullptr;
  other.entry_ = nullptr;
}

Stmt::~Stmt() { Detach(); }

void Stmt::Attach(Connection* conn, sqlite3_stmt* stmt, Connection::Cached* entry) {
  conn_ = conn;
  stmt_ = stmt;
  entry_ = entry;
  next_param_ = 0;
  bind_rc_ = SQLITE_OK;
  if (!decode_.ok()) decode_ = Status();
}

void Stmt::Detach() {
  if (stmt_ == nullptr) return;
  if (entry_ == nullptr) {
    sqlite3_finalize(stmt_);
  } else {
    sqlite3_reset(stmt_);
    sqlite3_clear_bindings(stmt_);
    entry_->busy = false;
  }
  stmt_ = nullptr;
  entry_ = nullptr;
}

void Stmt::Check(int rc) {
  if (rc != SQLITE_OK && bind_rc_ == SQLITE_OK) bind_rc_ = rc;
}

Stmt& Stmt::Bind(int64_t v) {
  Check(sqlite3_bind_int64(stmt_, ++next_param_, v));
  return *this;
}

Stmt& Stmt::Bind(std::string_view v) {
  Check(
      sqlite3_bind_text64(stmt_, ++next_param_, v.data(), v.size(), SQLITE_TRANSIENT, SQLITE_UTF8));
  return *this;
}

Stmt& Stmt::Bind(std::nullptr_t) {
  Check(sqlite3_bind_null(stmt_, ++next_param_));
  return *this;
}

Stmt& Stmt::Bind(Date d) { return Bind(std::string_view(FormatDate(d))); }

Result<bool> Stmt::Step() {
  if (bind_rc_ != SQLITE_OK) {
    return Status::Internal(std::string("sqlite bind: ") + sqlite3_errstr(bind_rc_));
  }
  const int rc = sqlite3_step(stmt_);
  if (rc == SQLITE_ROW) return true;
  if (rc == SQLITE_DONE) return false;
  return conn_->Error(rc);
}

Status Stmt::Run() {
  for (;;) {
    ASSIGN_OR_RETURN(bool row, Step());
    if (!row) return Status::Ok();
  }
}

bool Stmt::IsNull(int col) const { return sqlite3_column_type(stmt_, col) == SQLITE_NULL; }

int64_t Stmt::Int(int col) const { return sqlite3_column_int64(stmt_, col); }

std::string_view Stmt::TextView(int col) const {
  const auto* p = reinterpret_cast<const char*>(sqlite3_column_text(stmt_, col));
  if (p == nullptr) return std::string_view();
  return std::string_view(p, static_cast<size_t>(sqlite3_column_bytes(stmt_, col)));
}

std::optional<int64_t> Stmt::OptInt(int col) const {
  if (IsNull(col)) return std::nullopt;
  return Int(col);
}

Date Stmt::AsDate(int col) {
  auto d = ParseDate(Text(col));
  if (!d.ok()) {
    Fail("malformed date in column");
    return Date{};
  }
  return *d;
}

std::optional<Date> Stmt::OptDate(int col) {
  if (IsNull(col)) return std::nullopt;
  return AsDate(col);
}

void Stmt::Fail(const char* what) {
  if (decode_.ok()) decode_ = Status::Internal(std::string("sqlite decode: ") + what);
}

}  // namespace ordo::storage::sqlite
