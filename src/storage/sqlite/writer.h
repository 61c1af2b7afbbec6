#pragma once
// The single writer of a SQLite store, with group commit. Callers of Submit block while
// one thread, which owns the write connection, takes every queued job (up to a batch
// limit), runs them in one BEGIN IMMEDIATE transaction — each inside its own SAVEPOINT,
// so a job that fails or throws leaves no trace — and ends the batch with one COMMIT.
// A job sees the writes of the jobs before it in its batch. If the COMMIT fails, every
// job of the batch that had succeeded gets the error.
//
// Durability is pipelined: the COMMIT writes the batch to the WAL (synchronous=NORMAL:
// no fsync of its own), and a second thread, the syncer, fdatasyncs the WAL and only
// then lets the batch's callers return. While one batch's fsync is under way the writer
// already runs the next one, and one fsync covers every batch committed before it
// began. So Submit still returns only once its batch is on disk, as with
// synchronous=FULL. Readers must not see a batch before it is durable either (an
// answer must not show what a crash could take back): WaitDurable lets a read
// transaction, once its snapshot is taken, wait for every batch it could see.
//
// Thread-safe. Submit must not be called from inside a job (it answers kInternal).

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "common/status.h"
#include "storage/sqlite/checkpointer.h"
#include "storage/sqlite/statement.h"
#include "storage/store.h"

namespace ordo::storage::sqlite {

class Writer {
 public:
  using Fn = std::function<Status(Tx&)>;

  // `checkpoint_conn`, when given, checkpoints the WAL on a thread of its own
  // (checkpointer.h) instead of inside the writer's commits.
  explicit Writer(std::unique_ptr<Connection> conn,
                  std::unique_ptr<Connection> checkpoint_conn = nullptr, size_t max_batch = 256);
  // Finishes the queued jobs, then stops the thread and closes the connection.
  ~Writer();
  Writer(const Writer&) = delete;
  Writer& operator=(const Writer&) = delete;

  // Runs fn in the next batch and returns its Status once the batch has committed and
  // is on disk.
  Status Submit(const Fn& fn);

  // The last batch whose COMMIT has begun: a snapshot taken before this call sees no
  // batch after it.
  uint64_t Committing() const { return committing_.load(std::memory_order_acquire); }
  // Blocks until batch `batch` (and every one before it) is on disk.
  void WaitDurable(uint64_t batch);
  // Ok, or the failed fsync after which every write is refused.
  Status Health();

 private:
  struct Job {
    const Fn* fn;
    Status result;
    bool done = false;
    uint64_t batch = 0;  // the batch that took it; 0 while queued
  };

  void Loop();
  // The syncer thread: fdatasyncs the WAL for the batches committed meanwhile.
  void SyncLoop();
  // fdatasync of the WAL file (opened on first use, with a sync of its directory).
  Status SyncWal();
  void RunBatch(const std::vector<Job*>& batch);
  // Runs one job inside a savepoint; exceptions become kInternal.
  Status RunJob(const Fn& fn);
  // Called by SQLite after each commit with the number of frames in the WAL.
  static int OnWalCommit(void* self, sqlite3* db, const char* name, int frames);
  // Between batches: when the WAL is large, copies the little the checkpointer has not
  // yet copied, so that the next commit starts the WAL file over.
  void MaybeRestartWal();

  std::unique_ptr<Connection> conn_;
  const std::string wal_path_;
  std::unique_ptr<Checkpointer> checkpointer_;  // null: SQLite's own autocheckpoint
  const size_t max_batch_;
  int wal_frames_ = 0;                                 // writer thread only
  std::chrono::steady_clock::duration last_commit_{};  // writer thread only

  std::mutex mu_;
  std::condition_variable work_cv_;  // the writer waits for jobs
  // Callers wait for their job on the variable of its batch's parity, so that the end
  // of a batch wakes its own callers, not those already queued for the next one.
  std::condition_variable done_cv_[2];
  uint64_t batches_taken_ = 0;
  std::deque<Job*> queue_;
  size_t wake_at_ = 1;  // queue length the waiting writer wants; 0 while it is busy
  bool stopping_ = false;
  // Batches whose COMMIT has ended (successfully or not), waiting for the syncer.
  std::deque<std::pair<uint64_t, std::vector<Job*>>> unsynced_;
  uint64_t committed_ = 0;  // the last batch in unsynced_ (or synced)
  uint64_t durable_ = 0;    // every batch up to this one is on disk
  Status sync_error_;       // set when an fsync failed: nothing is durable any more
  bool sync_stopping_ = false;
  std::condition_variable sync_cv_;     // the syncer waits for committed batches
  std::condition_variable durable_cv_;  // readers wait for durable_
  std::atomic<uint64_t> committing_{0};
  int wal_fd_ = -1;  // syncer thread only
  std::thread thread_;
  std::thread syncer_;
};

}  // namespace ordo::storage::sqlite
