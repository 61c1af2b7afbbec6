#include "storage/sqlite/checkpointer.h"

#include <utility>

namespace ordo::storage::sqlite {

Checkpointer::Checkpointer(std::unique_ptr<Connection> conn)
    : conn_(std::move(conn)), thread_([this] { Loop(); }) {}

Checkpointer::~Checkpointer() {
  {
    std::lock_guard lock(mu_);
    stopping_ = true;
  }
  cv_.notify_all();
  thread_.join();
}

void Checkpointer::Poke() {
  {
    std::lock_guard lock(mu_);
    if (wanted_) return;
    wanted_ = true;
  }
  cv_.notify_one();
}

void Checkpointer::Loop() {
  for (;;) {
    {
      std::unique_lock lock(mu_);
      cv_.wait(lock, [&] { return wanted_ || stopping_; });
      if (stopping_) return;
      wanted_ = false;
    }
    // PASSIVE: copies what no reader still needs, waits for nobody. A failure (a busy
    // lock, a full disk) leaves the WAL as it is, and the next poke tries again; the
    // WAL stays the durable copy of every commit meanwhile.
    int log_frames = 0;
    int copied_frames = 0;
    (void)sqlite3_wal_checkpoint_v2(conn_->handle(), nullptr, SQLITE_CHECKPOINT_PASSIVE,
                                    &log_frames, &copied_frames);
  }
}

}  // namespace ordo::storage::sqlite
