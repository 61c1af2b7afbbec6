#pragma once
// The SQLite Store: one database file in WAL mode. Writes go through a single writer
// thread with group commit (writer.h) and are durable when Write returns Ok
// (synchronous=FULL). Reads run on a small pool of query_only connections, each inside
// BEGIN ... COMMIT, so that a Read sees one consistent snapshot while writes go on.
//
// Representation: money INTEGER cents, quantities INTEGER thousandths, rates INTEGER
// ten-thousandths, dates TEXT YYYY-MM-DD, instants INTEGER milliseconds since the epoch,
// enums TEXT snake_case names, booleans 0/1, customer contacts JSON text. The schema is
// src/storage/migrations/*.sqlite.sql, applied by Open.
//
// Thread-safe.

#include <chrono>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "storage/sqlite/statement.h"
#include "storage/sqlite/trigram_stats.h"
#include "storage/sqlite/writer.h"
#include "storage/store.h"

namespace ordo::storage::sqlite {

class SqliteStore final : public Store {
 public:
  // Opens (creating when missing) the database at `path` and migrates it. The parent
  // directory must exist.
  static Result<std::unique_ptr<SqliteStore>> Open(const std::string& path);
  // Stops the writer after the jobs already queued, then closes every connection.
  ~SqliteStore() override;

  Status Write(const std::function<Status(Tx&)>& fn) override;
  Status Read(const std::function<Status(Tx&)>& fn) override;
  Status ReadLatest(const std::function<Status(Tx&)>& fn) override;
  Status Ping() override;
  std::string Kind() const override { return "sqlite"; }
  Status Backup(const std::string& path) override;

 private:
  SqliteStore(std::string path, std::unique_ptr<Writer> writer)
      : path_(std::move(path)), writer_(std::move(writer)) {}

  // A reader connection, lent for one call and given back by the lease's destructor.
  class Lease {
   public:
    Lease(SqliteStore* store, std::unique_ptr<Connection> conn)
        : store_(store), conn_(std::move(conn)) {}
    Lease(Lease&&) = default;
    ~Lease();
    Connection& operator*() const { return *conn_; }
    Connection* operator->() const { return conn_.get(); }

   private:
    SqliteStore* store_;
    std::unique_ptr<Connection> conn_;
  };
  Result<Lease> AcquireReader();
  // Read and ReadLatest: `durable` waits for what the snapshot holds to be on disk.
  Status ReadTx(const std::function<Status(Tx&)>& fn, bool durable);
  void ReturnReader(std::unique_ptr<Connection> conn);

  static constexpr int kMaxReaders = 8;

  const std::string path_;
  std::unique_ptr<Writer> writer_;

  // Reloads trigram_stats_ at start and then every kStatsPeriod, until the store closes.
  void StatsLoop();
  Status LoadTrigramStats();
  static constexpr auto kStatsPeriod = std::chrono::minutes(10);

  TrigramStats trigram_stats_;  // shared by the readers' searches
  std::mutex stats_mu_;
  std::condition_variable stats_cv_;
  bool closing_ = false;  // guarded by stats_mu_
  std::thread stats_thread_;

  std::mutex pool_mu_;
  std::condition_variable pool_cv_;
  std::vector<std::unique_ptr<Connection>> idle_readers_;
  int open_readers_ = 0;
};

}  // namespace ordo::storage::sqlite
