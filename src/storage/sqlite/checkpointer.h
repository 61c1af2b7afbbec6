#pragma once
// Copies the write-ahead log back into the database file on a thread of its own, so
// that the writer never does it inside a COMMIT. SQLite's automatic checkpoint runs in
// the connection that commits: every thousand pages one commit also read and rewrote
// them all and waited for two more fsyncs — a stall of tens of milliseconds on the
// writer, which every order of the next batches waited behind.
//
// The writer calls Poke() when the WAL has grown past a threshold; the thread then runs
// a PASSIVE checkpoint on its own connection, which never blocks the writer. A passive
// checkpoint cannot restart the WAL while commits keep coming; the writer restarts it
// itself between batches once it is large (Writer::MaybeRestartWal).
//
// Thread-safe.

#include <condition_variable>
#include <memory>
#include <mutex>
#include <thread>

#include "storage/sqlite/statement.h"

namespace ordo::storage::sqlite {

class Checkpointer {
 public:
  explicit Checkpointer(std::unique_ptr<Connection> conn);
  // Finishes a checkpoint in progress, then stops.
  ~Checkpointer();
  Checkpointer(const Checkpointer&) = delete;
  Checkpointer& operator=(const Checkpointer&) = delete;

  // Asks for a checkpoint soon; cheap, never blocks on one in progress.
  void Poke();

 private:
  void Loop();

  std::unique_ptr<Connection> conn_;
  std::mutex mu_;
  std::condition_variable cv_;
  bool wanted_ = false;    // guarded by mu_
  bool stopping_ = false;  // guarded by mu_
  std::thread thread_;
};

}  // namespace ordo::storage::sqlite
