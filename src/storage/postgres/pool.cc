#include "storage/postgres/pool.h"

#include <utility>

namespace ordo::storage::postgres {

Result<Pool::Lease> Pool::Acquire(std::chrono::milliseconds wait) {
  std::unique_lock<std::mutex> lock(mu_);
  if (!cv_.wait_for(lock, wait, [&] { return !idle_.empty() || open_ < max_; })) {
    return Status(Code::kUnavailable, "no database connection came free in time");
  }
  if (!idle_.empty()) {
    std::unique_ptr<Connection> conn = std::move(idle_.back());
    idle_.pop_back();
    return Lease(this, std::move(conn));
  }
  ++open_;
  lock.unlock();
  auto conn = Connection::Open(conninfo_);
  if (!conn.ok()) {
    lock.lock();
    --open_;
    cv_.notify_one();
    return conn.TakeStatus();
  }
  return Lease(this, std::move(conn).value());
}

void Pool::Adopt(std::unique_ptr<Connection> conn) {
  std::lock_guard<std::mutex> lock(mu_);
  ++open_;
  idle_.push_back(std::move(conn));
  cv_.notify_one();
}

void Pool::DropIdle() {
  std::vector<std::unique_ptr<Connection>> closing;  // closed outside the lock
  {
    std::lock_guard<std::mutex> lock(mu_);
    closing.swap(idle_);
    open_ -= static_cast<int>(closing.size());
  }
  cv_.notify_all();
}

void Pool::Return(std::unique_ptr<Connection> conn) {
  std::unique_ptr<Connection> closing;  // closed outside the lock
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (conn->broken()) {
      --open_;
      closing = std::move(conn);
    } else {
      idle_.push_back(std::move(conn));
    }
  }
  cv_.notify_one();
}

Pool::Lease::~Lease() {
  if (conn_) pool_->Return(std::move(conn_));
}

}  // namespace ordo::storage::postgres
