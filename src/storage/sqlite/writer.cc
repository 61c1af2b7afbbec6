#include "storage/sqlite/writer.h"

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstring>
#include <filesystem>
#include <utility>

#include "storage/sqlite/sqlite_tx.h"

namespace ordo::storage::sqlite {

namespace {
// Past this many WAL pages (32 MiB) the checkpointer is asked to copy them back. A page
// that many commits change (an index page per product) is copied once per checkpoint,
// so rarer checkpoints copy much less than SQLite's default of every 1,000 pages.
constexpr int kCheckpointFrames = 8192;
// Past this many (128 MiB) the writer makes the WAL start over (MaybeRestartWal).
constexpr int kRestartFrames = 32768;
// The longest the writer waits after a commit for the next batch to fill (see Loop).
constexpr auto kMaxGather = std::chrono::microseconds(2000);
}  // namespace

namespace {
std::string WalPath(sqlite3* db) {
  const char* main = sqlite3_db_filename(db, "main");
  return main != nullptr && *main != '\0' ? sqlite3_filename_wal(main) : std::string();
}
}  // namespace

Writer::Writer(std::unique_ptr<Connection> conn, std::unique_ptr<Connection> checkpoint_conn,
               size_t max_batch)
    : conn_(std::move(conn)), wal_path_(WalPath(conn_->handle())), max_batch_(max_batch) {
  if (checkpoint_conn) {
    checkpointer_ = std::make_unique<Checkpointer>(std::move(checkpoint_conn));
    sqlite3_wal_autocheckpoint(conn_->handle(), 0);  // replaces SQLite's own hook
    sqlite3_wal_hook(conn_->handle(), &Writer::OnWalCommit, this);
  }
  // What the connection committed before (the migrations) is made durable here.
  (void)SyncWal();
  syncer_ = std::thread([this] { SyncLoop(); });
  thread_ = std::thread([this] { Loop(); });
}

int Writer::OnWalCommit(void* self, sqlite3* /*db*/, const char* /*name*/, int frames) {
  auto* w = static_cast<Writer*>(self);
  w->wal_frames_ = frames;
  if (frames >= kCheckpointFrames) w->checkpointer_->Poke();
  return SQLITE_OK;
}

void Writer::MaybeRestartWal() {
  if (!checkpointer_ || wal_frames_ < kRestartFrames) return;
  // The checkpointer has copied nearly everything; this copies the rest (PASSIVE: if the
  // checkpointer is busy right now, this returns at once and the next batch tries).
  int log_frames = 0;
  int copied_frames = 0;
  const int rc = sqlite3_wal_checkpoint_v2(conn_->handle(), nullptr, SQLITE_CHECKPOINT_PASSIVE,
                                           &log_frames, &copied_frames);
  if (rc == SQLITE_OK && log_frames == copied_frames) wal_frames_ = 0;
}

Writer::~Writer() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    stopping_ = true;
  }
  work_cv_.notify_all();
  thread_.join();
  {
    std::lock_guard<std::mutex> lock(mu_);
    sync_stopping_ = true;  // after the last batch: the syncer syncs it, then stops
  }
  sync_cv_.notify_all();
  syncer_.join();
  if (wal_fd_ >= 0) ::close(wal_fd_);
  checkpointer_.reset();  // before the connection closes (and checkpoints) the WAL
}

Status Writer::Submit(const Fn& fn) {
  if (std::this_thread::get_id() == thread_.get_id()) {
    return Status::Internal("Store::Write called from inside a write transaction");
  }
  Job job{&fn, Status::Ok(), false};
  std::unique_lock<std::mutex> lock(mu_);
  if (stopping_) return Status(Code::kUnavailable, "the store is closing");
  if (!sync_error_.ok()) return sync_error_;
  queue_.push_back(&job);
  // Wake the writer only when it waits for exactly this: a busy writer takes the job
  // with the next batch anyway.
  if (queue_.size() == wake_at_) work_cv_.notify_one();
  while (!job.done) {
    // A queued job goes into the batch after the last one taken (or a later one, when
    // that batch was full: then this wakes early and waits again).
    const uint64_t batch = job.batch != 0 ? job.batch : batches_taken_ + 1;
    done_cv_[batch % 2].wait(lock);
  }
  return std::move(job.result);
}

void Writer::Loop() {
  using Clock = std::chrono::steady_clock;
  std::vector<Job*> batch;
  size_t released = 0;  // jobs of the last batch, whose callers are coming back
  Clock::time_point committed_at;
  Clock::duration gather{};  // how long the next batch may wait to fill
  for (;;) {
    batch.clear();
    {
      std::unique_lock<std::mutex> lock(mu_);
      wake_at_ = 1;
      work_cv_.wait(lock, [&] { return stopping_ || !queue_.empty(); });
      // Gather. The callers released by the last commit need a moment (their answer,
      // the client, the next request) to come back; when fewer jobs are waiting than
      // that batch held, starting at once would commit a thin batch and pay a whole
      // fsync for it. So wait, briefly, until as many are queued as the last batch
      // held: at most half as long as the last commit took (waiting longer than a
      // commit costs more than the commit it saves), and never more than kMaxGather.
      // Under steady load the queue is already that long (the callers take turns in two
      // halves, one in the batch while the other is answered): no wait at all.
      const size_t target = std::min(max_batch_, released);
      if (!stopping_ && queue_.size() < target && gather.count() > 0) {
        wake_at_ = target;
        work_cv_.wait_until(lock, committed_at + gather,
                            [&] { return stopping_ || queue_.size() >= target; });
      }
      wake_at_ = 0;                // busy: nobody needs to wake the writer
      if (queue_.empty()) return;  // stopping, and every job is done
      ++batches_taken_;
      while (!queue_.empty() && batch.size() < max_batch_) {
        queue_.front()->batch = batches_taken_;
        batch.push_back(queue_.front());
        queue_.pop_front();
      }
    }
    MaybeRestartWal();
    RunBatch(batch);
    {
      // The syncer makes it durable, then lets its callers return.
      std::lock_guard<std::mutex> lock(mu_);
      committed_ = batch.front()->batch;
      unsynced_.emplace_back(committed_, batch);
      released = batch.size();
    }
    sync_cv_.notify_one();
    committed_at = Clock::now();
    gather = std::min<Clock::duration>(kMaxGather, last_commit_ / 2);
  }
}

void Writer::SyncLoop() {
  for (;;) {
    uint64_t target = 0;
    {
      std::unique_lock<std::mutex> lock(mu_);
      sync_cv_.wait(lock, [&] { return sync_stopping_ || committed_ > durable_; });
      if (committed_ == durable_) return;  // stopping, and everything is on disk
      target = committed_;
    }
    // Every batch up to `target` has ended its COMMIT, so its frames are in the WAL
    // file (the VFS writes a commit out at its last frame): this fsync covers them.
    Status synced = SyncWal();
    uint64_t first = 0;  // the first batch released here
    {
      std::lock_guard<std::mutex> lock(mu_);
      if (!unsynced_.empty()) first = unsynced_.front().first;
      if (!synced.ok() && sync_error_.ok()) sync_error_ = synced;
      while (!unsynced_.empty() && unsynced_.front().first <= target) {
        for (Job* job : unsynced_.front().second) {
          // After a failed fsync nothing written since is known to be on disk: the
          // change may or may not survive a crash, and the caller must not be told it
          // will.
          if (!sync_error_.ok() && job->result.ok()) job->result = sync_error_;
          job->done = true;  // a caller may return as soon as this is set
        }
        unsynced_.pop_front();
      }
      durable_ = target;
    }
    // The callers of the batches released wait on their batches' parities (Submit).
    if (first != 0) done_cv_[first % 2].notify_all();
    if (first != 0 && target > first) done_cv_[(first + 1) % 2].notify_all();
    durable_cv_.notify_all();
  }
}

Status Writer::SyncWal() {
  if (wal_path_.empty()) return Status::Ok();  // an in-memory database
  if (wal_fd_ < 0) {
    wal_fd_ = ::open(wal_path_.c_str(), O_RDWR | O_CLOEXEC);
    if (wal_fd_ < 0) {
      if (errno == ENOENT) return Status::Ok();  // nothing committed yet: no WAL
      return Status(Code::kUnavailable,
                    std::string("cannot open the WAL: ") + std::strerror(errno));
    }
    // The WAL may be new: its directory entry must be durable too.
    const std::string dir = std::filesystem::path(wal_path_).parent_path().string();
    const int dfd = ::open(dir.empty() ? "." : dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (dfd >= 0) {
      (void)::fsync(dfd);
      ::close(dfd);
    }
  }
  if (::fdatasync(wal_fd_) != 0) {
    return Status(Code::kUnavailable,
                  std::string("fsync of the WAL failed: ") + std::strerror(errno));
  }
  return Status::Ok();
}

Status Writer::Health() {
  std::lock_guard<std::mutex> lock(mu_);
  return sync_error_;
}

void Writer::WaitDurable(uint64_t batch) {
  std::unique_lock<std::mutex> lock(mu_);
  durable_cv_.wait(lock, [&] { return durable_ >= batch; });
}

Status Writer::RunJob(const Fn& fn) {
  RETURN_IF_ERROR(conn_->Run("SAVEPOINT job"));
  Status st;
  try {
    SqliteTx tx(*conn_, /*writable=*/true);
    st = fn(tx);
  } catch (...) {
    // The exception's text may carry request data; the client gets a plain 500.
    st = Status::Internal("unexpected exception in a write transaction");
  }
  if (!conn_->in_transaction()) {
    return st.ok() ? Status::Internal("the transaction was rolled back by the database") : st;
  }
  if (st.ok()) {
    Status released = conn_->Run("RELEASE job");
    if (released.ok()) return st;
    st = std::move(released);
  }
  const Status undone = conn_->Exec("ROLLBACK TO job");
  const Status released = conn_->Run("RELEASE job");
  if (!undone.ok() || !released.ok()) {
    // The job's writes could not be taken back alone: take back the whole batch.
    (void)conn_->Exec("ROLLBACK");
  }
  return st;
}

void Writer::RunBatch(const std::vector<Job*>& batch) {
  std::vector<Job*> pending;  // succeeded; their writes wait for the COMMIT
  auto fail_pending = [&](const Status& st) {
    for (Job* job : pending) job->result = st;
    pending.clear();
  };
  bool open = false;
  for (Job* job : batch) {
    if (!open) {
      Status begin = conn_->Run("BEGIN IMMEDIATE");
      if (!begin.ok()) {
        job->result = std::move(begin);
        continue;
      }
      open = true;
    }
    Status st = RunJob(*job->fn);
    if (!conn_->in_transaction()) {
      // The whole transaction is gone (an I/O error, a full disk, a failed rollback):
      // so are the writes of the jobs before this one. The rest start a new one.
      fail_pending(Status::Internal("the transaction was rolled back by the database"));
      open = false;
    }
    if (st.ok() && open) {
      pending.push_back(job);
    } else {
      job->result = st.ok() ? Status::Internal("the transaction was rolled back by the database")
                            : std::move(st);
    }
  }
  if (!open) return;
  // Before the COMMIT makes the batch visible: a reader that sees it also sees this.
  committing_.store(batch.front()->batch, std::memory_order_release);
  const auto t1 = std::chrono::steady_clock::now();
  Status commit = conn_->Run("COMMIT");
  last_commit_ = std::chrono::steady_clock::now() - t1;
  if (!commit.ok()) {
    if (conn_->in_transaction()) (void)conn_->Exec("ROLLBACK");
    fail_pending(commit);
  }
}

}  // namespace ordo::storage::sqlite
