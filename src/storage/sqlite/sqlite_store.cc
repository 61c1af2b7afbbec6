#include "storage/sqlite/sqlite_store.h"

#include <filesystem>
#include <string>
#include <system_error>
#include <unordered_map>
#include <utility>

#include "storage/sqlite/migrate.h"
#include "storage/sqlite/sqlite_tx.h"

namespace ordo::storage::sqlite {

Result<std::unique_ptr<SqliteStore>> SqliteStore::Open(const std::string& path) {
  ASSIGN_OR_RETURN(std::unique_ptr<Connection> conn,
                   Connection::Open(path, Connection::Role::kWriter));
  RETURN_IF_ERROR(Migrate(*conn));
  ASSIGN_OR_RETURN(std::unique_ptr<Connection> checkpoint_conn,
                   Connection::Open(path, Connection::Role::kCheckpointer));
  auto writer = std::make_unique<Writer>(std::move(conn), std::move(checkpoint_conn));
  std::unique_ptr<SqliteStore> store(new SqliteStore(path, std::move(writer)));
  RETURN_IF_ERROR(store->Ping());
  store->stats_thread_ = std::thread([s = store.get()] { s->StatsLoop(); });
  return store;
}

void SqliteStore::StatsLoop() {
  for (;;) {
    (void)LoadTrigramStats();  // failing leaves the old counts; searches count on the spot
    std::unique_lock lock(stats_mu_);
    stats_cv_.wait_for(lock, kStatsPeriod, [&] { return closing_; });
    if (closing_) return;
  }
}

Status SqliteStore::LoadTrigramStats() {
  std::unordered_map<std::string, int64_t> counts;
  ASSIGN_OR_RETURN(Lease conn, AcquireReader());
  RETURN_IF_ERROR(conn->Run("BEGIN"));
  Status st = [&]() -> Status {
    ASSIGN_OR_RETURN(Stmt vocab, conn->Prepare("SELECT term, doc FROM orders_search_vocab"));
    for (;;) {
      {
        std::lock_guard lock(stats_mu_);
        if (closing_) return Status(Code::kUnavailable, "closing");
      }
      ASSIGN_OR_RETURN(bool row, vocab.Step());
      if (!row) return Status::Ok();
      counts.emplace(vocab.Text(0), vocab.Int(1));
    }
  }();
  (void)conn->Run("COMMIT");
  RETURN_IF_ERROR(st);
  trigram_stats_.Replace(std::move(counts));
  return Status::Ok();
}

SqliteStore::~SqliteStore() {
  {
    std::lock_guard lock(stats_mu_);
    closing_ = true;
  }
  stats_cv_.notify_all();
  if (stats_thread_.joinable()) stats_thread_.join();
  // Readers first: the writer's connection closes last and checkpoints the WAL into the
  // database file.
  {
    std::lock_guard<std::mutex> lock(pool_mu_);
    idle_readers_.clear();
  }
  writer_.reset();
}

Status SqliteStore::Write(const std::function<Status(Tx&)>& fn) { return writer_->Submit(fn); }

Status SqliteStore::Read(const std::function<Status(Tx&)>& fn) { return ReadTx(fn, true); }

Status SqliteStore::ReadLatest(const std::function<Status(Tx&)>& fn) { return ReadTx(fn, false); }

Status SqliteStore::ReadTx(const std::function<Status(Tx&)>& fn, bool durable) {
  ASSIGN_OR_RETURN(Lease conn, AcquireReader());
  RETURN_IF_ERROR(conn->Run("BEGIN"));
  // Take the snapshot now (a deferred BEGIN takes it at the first read), then wait until
  // every batch it may hold is on disk: no answer shows what a crash could undo.
  if (durable) {
    ASSIGN_OR_RETURN(Stmt snap, conn->Prepare("SELECT 1 FROM sqlite_schema LIMIT 1"));
    Status taken = snap.Step().status();
    if (!taken.ok()) {
      (void)conn->Run("ROLLBACK");
      return taken;
    }
    writer_->WaitDurable(writer_->Committing());
  }
  Status st;
  try {
    SqliteTx tx(*conn, /*writable=*/false, &trigram_stats_);
    st = fn(tx);
  } catch (...) {
    st = Status::Internal("unexpected exception in a read transaction");
  }
  Status end = conn->Run("COMMIT");
  return st.ok() ? end : st;
}

Status SqliteStore::Ping() {
  // After a failed fsync the store takes no more writes: not healthy, though it reads.
  RETURN_IF_ERROR(writer_->Health());
  ASSIGN_OR_RETURN(Lease conn, AcquireReader());
  ASSIGN_OR_RETURN(Stmt st, conn->Prepare("SELECT 1"));
  ASSIGN_OR_RETURN(bool row, st.Step());
  if (!row || st.Int(0) != 1) return Status(Code::kUnavailable, "the database does not answer");
  return Status::Ok();
}

Status SqliteStore::Backup(const std::string& path) {
  namespace fs = std::filesystem;
  std::error_code ec;
  if (fs::exists(path + "-wal", ec)) {
    return Status::Invalid("path", "a database in use lives at this path");
  }
  const fs::path parent = fs::path(path).parent_path();
  if (!parent.empty()) fs::create_directories(parent, ec);
  // Written beside the target and renamed over it, so that the target is never a
  // half-written file.
  const std::string partial = path + ".partial";
  fs::remove(partial, ec);

  ASSIGN_OR_RETURN(Lease src, AcquireReader());
  sqlite3* dest = nullptr;
  int rc =
      sqlite3_open_v2(partial.c_str(), &dest, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, nullptr);
  if (rc != SQLITE_OK) {
    sqlite3_close_v2(dest);
    return Status(Code::kUnavailable, "cannot create the backup file " + partial);
  }
  sqlite3_backup* backup = sqlite3_backup_init(dest, "main", src->handle(), "main");
  if (backup == nullptr) {
    Status st = Status::Internal(std::string("sqlite backup: ") + sqlite3_errmsg(dest));
    sqlite3_close_v2(dest);
    fs::remove(partial, ec);
    return st;
  }
  rc = sqlite3_backup_step(backup, -1);  // all pages, from one read snapshot
  sqlite3_backup_finish(backup);
  const int close_rc = sqlite3_close_v2(dest);
  if (rc != SQLITE_DONE || close_rc != SQLITE_OK) {
    fs::remove(partial, ec);
    return Status::Internal(std::string("sqlite backup: ") +
                            sqlite3_errstr(rc != SQLITE_DONE ? rc : close_rc));
  }
  fs::rename(partial, path, ec);
  if (ec) return Status(Code::kUnavailable, "cannot move the backup to " + path);
  return Status::Ok();
}

Result<SqliteStore::Lease> SqliteStore::AcquireReader() {
  std::unique_lock<std::mutex> lock(pool_mu_);
  pool_cv_.wait(lock, [&] { return !idle_readers_.empty() || open_readers_ < kMaxReaders; });
  if (!idle_readers_.empty()) {
    std::unique_ptr<Connection> conn = std::move(idle_readers_.back());
    idle_readers_.pop_back();
    return Lease(this, std::move(conn));
  }
  ++open_readers_;
  lock.unlock();
  auto conn = Connection::Open(path_, Connection::Role::kReader);
  if (!conn.ok()) {
    lock.lock();
    --open_readers_;
    pool_cv_.notify_one();
    return conn.TakeStatus();
  }
  return Lease(this, std::move(conn).value());
}

void SqliteStore::ReturnReader(std::unique_ptr<Connection> conn) {
  if (conn->in_transaction()) (void)conn->Exec("ROLLBACK");
  std::lock_guard<std::mutex> lock(pool_mu_);
  if (conn->in_transaction()) {
    --open_readers_;  // unusable; dropped
  } else {
    idle_readers_.push_back(std::move(conn));
  }
  pool_cv_.notify_one();
}

SqliteStore::Lease::~Lease() {
  if (conn_) store_->ReturnReader(std::move(conn_));
}

}  // namespace ordo::storage::sqlite
