#pragma once
// A pool of PostgreSQL connections, shared by the reads and writes of one store. A
// connection is opened when none is idle and fewer than `max_size` are open; otherwise
// Acquire waits for one to come back. A connection that broke is closed, not given back.
//
// Thread-safe.

#include <chrono>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "common/status.h"
#include "storage/postgres/connection.h"

namespace ordo::storage::postgres {

class Pool {
 public:
  Pool(std::string conninfo, int max_size) : conninfo_(std::move(conninfo)), max_(max_size) {}
  Pool(const Pool&) = delete;
  Pool& operator=(const Pool&) = delete;

  // A connection lent for one call; the destructor gives it back (or closes it when it
  // broke).
  class Lease {
   public:
    Lease(Pool* pool, std::unique_ptr<Connection> conn) : pool_(pool), conn_(std::move(conn)) {}
    Lease(Lease&&) = default;
    Lease& operator=(Lease&&) = delete;
    ~Lease();
    Connection& operator*() const { return *conn_; }
    Connection* operator->() const { return conn_.get(); }

   private:
    Pool* pool_;
    std::unique_ptr<Connection> conn_;
  };

  // An idle connection, a new one, or the first given back within `wait`; kUnavailable
  // when the server cannot be reached or no connection comes free in time.
  Result<Lease> Acquire(std::chrono::milliseconds wait = std::chrono::seconds(30));

  // Adds an open connection (the one that ran the migrations) to the idle ones.
  void Adopt(std::unique_ptr<Connection> conn);

  // Closes every idle connection. Called when one turned out broken: the server restarted
  // or failed over, and the others are as dead, so the next Acquire opens a fresh one
  // instead of finding that out one retry at a time.
  void DropIdle();

  int max_size() const { return max_; }

 private:
  void Return(std::unique_ptr<Connection> conn);

  const std::string conninfo_;
  const int max_;

  std::mutex mu_;
  std::condition_variable cv_;
  std::vector<std::unique_ptr<Connection>> idle_;
  int open_ = 0;  // lent plus idle
};

}  // namespace ordo::storage::postgres
