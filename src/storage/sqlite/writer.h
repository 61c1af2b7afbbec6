#pragma once
// The single writer of a SQLite store, with group commit. Callers of Submit block while
// one thread, which owns the write connection, takes every queued job (up to a batch
// limit), runs them in one BEGIN IMMEDIATE transaction — each inside its own SAVEPOINT,
// so a job that fails or throws leaves no trace — and ends the batch with one COMMIT,
// one fsync for all of them. A job sees the writes of the jobs before it in its batch.
// If the COMMIT fails, every job of the batch that had succeeded gets the error.
//
// Thread-safe. Submit must not be called from inside a job (it answers kInternal).

#include <condition_variable>
#include <cstddef>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <thread>
#include <vector>

#include "common/status.h"
#include "storage/sqlite/statement.h"
#include "storage/store.h"

namespace ordo::storage::sqlite {

class Writer {
 public:
  using Fn = std::function<Status(Tx&)>;

  explicit Writer(std::unique_ptr<Connection> conn, size_t max_batch = 256);
  // Finishes the queued jobs, then stops the thread and closes the connection.
  ~Writer();
  Writer(const Writer&) = delete;
  Writer& operator=(const Writer&) = delete;

  // Runs fn in the next batch and returns its Status once the batch has committed.
  Status Submit(const Fn& fn);

 private:
  struct Job {
    const Fn* fn;
    Status result;
    bool done = false;
  };

  void Loop();
  void RunBatch(const std::vector<Job*>& batch);
  // Runs one job inside a savepoint; exceptions become kInternal.
  Status RunJob(const Fn& fn);

  std::unique_ptr<Connection> conn_;
  const size_t max_batch_;

  std::mutex mu_;
  std::condition_variable work_cv_;  // the writer waits for jobs
  std::condition_variable done_cv_;  // callers wait for their job
  std::deque<Job*> queue_;
  bool stopping_ = false;
  std::thread thread_;
};

}  // namespace ordo::storage::sqlite
