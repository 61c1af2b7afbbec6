#include "storage/postgres/order_serials.h"

#include <utility>
#include <vector>

namespace ordo::storage::postgres {

namespace {

// Adds a whole block to the day's counter and answers the counter after it: the block is
// the block_size serials up to and including that value. The first block of a date
// inserts the row, so it ends at block_size and starts at 1.
constexpr std::string_view kReserveSql =
    "INSERT INTO order_counters (business_date, last_serial) VALUES ($1, $2) "
    "ON CONFLICT (business_date) DO UPDATE "
    "SET last_serial = order_counters.last_serial + EXCLUDED.last_serial "
    "RETURNING last_serial";

constexpr size_t kMaxDates = 4;  // around midnight two are in use; the rest are old days
constexpr int kMaxReconnects = 1;

}  // namespace

OrderSerials::OrderSerials(std::string conninfo, int64_t block_size)
    : block_size_(block_size), pool_(std::move(conninfo), /*max_size=*/1) {}

Result<int64_t> OrderSerials::Next(Date date) {
  std::unique_lock<std::mutex> lock(mu_);
  if (!dates_.contains(date.days)) ForgetOldDates(date);
  for (;;) {
    // Looked up afresh after every wait: the map may have changed meanwhile (the entry
    // itself is never erased while a thread reserves for it).
    DateState& s = dates_[date.days];
    if (s.current.left() > 0) {
      const int64_t serial = s.current.next++;
      if (s.current.left() <= block_size_ / 2 && s.spare.left() <= 0 && !s.reserving) {
        // Reserve the next block ahead, outside the lock, so that the other threads go on
        // taking serials from the current one meanwhile. This thread has its serial
        // already; if the reservation fails, the one that needs a block tries again.
        s.reserving = true;
        lock.unlock();
        Result<Range> block = ReserveBlock(date);
        lock.lock();
        DateState& t = dates_[date.days];
        t.reserving = false;
        if (block.ok()) t.spare = *block;
        reserved_.notify_all();
      }
      return serial;
    }
    if (s.spare.left() > 0) {
      // Reserved after the current block, so every serial in it is larger.
      s.current = s.spare;
      s.spare = Range();
      continue;
    }
    if (s.reserving) {
      reserved_.wait(lock);
      continue;
    }
    s.reserving = true;
    lock.unlock();
    Result<Range> block = ReserveBlock(date);
    lock.lock();
    DateState& t = dates_[date.days];
    t.reserving = false;
    reserved_.notify_all();
    if (!block.ok()) return block.TakeStatus();
    // Nobody else reserved for this date meanwhile (reserving was ours), and the current
    // and spare blocks were used up: the new block continues the sequence.
    t.current = *block;
  }
}

void OrderSerials::ForgetOldDates(Date date) {
  while (dates_.size() >= kMaxDates) {
    auto oldest = dates_.end();
    for (auto it = dates_.begin(); it != dates_.end(); ++it) {
      if (!it->second.reserving && it->first != date.days) {
        oldest = it;
        break;  // the map is ordered: the first one that may go is the oldest
      }
    }
    if (oldest == dates_.end()) return;
    // A date asked for again after this reserves a fresh block: still unique and larger.
    dates_.erase(oldest);
  }
}

Result<OrderSerials::Range> OrderSerials::ReserveBlock(Date date) {
  Params params;
  params.BindAll(date, block_size_);
  const std::vector<const char*> values = params.Pointers();
  for (int reconnect = 0;; ++reconnect) {
    auto lease = pool_.Acquire();
    if (!lease.ok()) return lease.TakeStatus();
    Connection& conn = **lease;
    try {
      // No BEGIN: the upsert commits on its own, holding the row's lock for itself only.
      pqxx::nontransaction n(conn.raw());
      const std::string* name = conn.Prepared(kReserveSql);
      const auto dynamic = pqxx::prepare::make_dynamic_params(values);
      const pqxx::result r = name != nullptr ? n.exec_prepared(*name, dynamic)
                                             : n.exec_params(std::string(kReserveSql), dynamic);
      n.commit();
      if (r.size() != 1) return Status::Internal("order counter returned no row");
      Row row(r[0]);
      const int64_t last = row.Int(0);
      RETURN_IF_ERROR(row.decode_status());
      return Range{last - block_size_ + 1, last};
    } catch (const std::exception& e) {
      Classified c = Classify(e);
      if (c.failure == Failure::kDisconnected) {
        conn.MarkBroken();
        // Whether the lost upsert committed is unknown; a second one reserves another
        // block, which at worst leaves the first unused (a gap, never a duplicate).
        if (reconnect < kMaxReconnects) continue;
      }
      return std::move(c.status);
    }
  }
}

}  // namespace ordo::storage::postgres
