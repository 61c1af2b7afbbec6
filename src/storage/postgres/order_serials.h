#pragma once
// Daily order serials for one PgStore (one server), handed out from blocks of the shared
// counter row per business date (order_counters). A block is reserved by one upsert
// that commits on its own, on a connection of its own — never in the order's
// transaction — so the counter row is locked for that one statement only, not until the
// order commits: intake on every server no longer queues on one row.
//
// What this gives (docs/decisions.md):
// - unique across all servers on the database (each block is a distinct range of the
//   counter, whatever the servers' interleaving);
// - increasing within one server (its blocks are reserved one after another, and the
//   counter only grows), though not in creation order across servers;
// - the first block of a date starts at 1;
// - gap-tolerant, not gap-free: serials of a rolled-back (or rerun) transaction are not
//   given back, and a server that stops leaves the rest of its blocks unused.
// A server of an older version that increments the row by one in its order transaction
// may share the database during a rolling upgrade: both only ever add to the row, so the
// serials stay unique.
//
// Thread-safe.

#include <condition_variable>
#include <cstdint>
#include <map>
#include <mutex>
#include <string>

#include "common/status.h"
#include "common/time.h"
#include "storage/postgres/pool.h"

namespace ordo::storage::postgres {

class OrderSerials {
 public:
  // 16 serials per block: one short upsert (one WAL flush) per 16 orders of a server
  // keeps the counter row cold even at thousands of orders a second across servers —
  // the row is locked for one autocommitted statement per block, and the next block is
  // reserved while the current one still has half of its serials left, so an order
  // seldom waits for it. A larger block would save little more and leaves longer gaps:
  // a server that stops loses at most two blocks' rest per date (fewer than 32 numbers).
  static constexpr int64_t kBlockSize = 16;

  // `conninfo` as the store's pool gets it; the connection opens on first use.
  explicit OrderSerials(std::string conninfo, int64_t block_size = kBlockSize);
  OrderSerials(const OrderSerials&) = delete;
  OrderSerials& operator=(const OrderSerials&) = delete;

  // The next serial of `date` for this server. kUnavailable when a block was needed and
  // the database could not be reached.
  Result<int64_t> Next(Date date);

 private:
  struct Range {
    int64_t next = 1;  // the next serial to hand out
    int64_t last = 0;  // the last serial of the range; empty (as at first) when next > last
    int64_t left() const { return last - next + 1; }
  };
  struct DateState {
    Range current;
    Range spare;             // reserved ahead, handed out once current is used up
    bool reserving = false;  // a thread is reserving a block for this date (mu_ released)
  };

  // Reserves the next block of `date` in the database; the range it covers.
  Result<Range> ReserveBlock(Date date);
  // Forgets dates well before `date` (the day has turned), keeping the map small.
  void ForgetOldDates(Date date);

  const int64_t block_size_;
  Pool pool_;  // one connection: only the thread that reserves uses it

  std::mutex mu_;
  std::condition_variable reserved_;    // a reservation ended (either way)
  std::map<int32_t, DateState> dates_;  // by Date::days; guarded by mu_
};

}  // namespace ordo::storage::postgres
